"""Incidents: opening them (from an alert, a narrative, a tip, or by hand), taking and releasing
them, moving them by hand, and escalating those past their SLA deadline.

Opening is idempotent per signal: a unique constraint per alert and per post, and one open
incident per narrative; a repeat signal for an open incident is linked on its timeline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability, Role
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require
from sampark.accounts.selectors import scope_root
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck import services as factcheck_services
from sampark.geo import scope
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.monitoring import selectors as monitoring_selectors
from sampark.training import selectors as training_selectors
from sampark.training.errors import TrainingRequired
from sampark.warroom import audit
from sampark.warroom.enums import (
    MANUAL_TRANSITIONS,
    SLA_STATES,
    EventKind,
    IncidentOrigin,
    IncidentState,
    Severity,
)
from sampark.warroom.errors import WarroomError
from sampark.warroom.models import Incident
from sampark.warroom.services.base import incident_locked, incident_move
from sampark.warroom.services.triage import triage_apply

ESCALATE_BATCH = 100
MATCHES_SEARCHED = 10


# --- opening ------------------------------------------------------------------------------------


def _state_of(unit_ids: Iterable[int]) -> Unit:
    """The state of the first of these units, or the first state (for public-only signals)."""
    ids = list(unit_ids)
    if ids:
        unit = Unit.objects.filter(id__in=ids).order_by("id").first()
        if unit is not None and unit.state_id is not None:
            return Unit.objects.get(id=unit.state_id)
    state = Unit.objects.filter(level=Level.STATE, parent=None).order_by("id").first()
    if state is None:
        raise WarroomError(_("There is no state to open the incident in."))
    return state


def _district_unit(unit: Unit | None) -> Unit | None:
    """The district a unit lies in (group content is worked by that district's war room)."""
    if unit is None:
        return None
    if unit.level == Level.DISTRICT or unit.district_id is None:
        return unit
    return Unit.objects.get(id=unit.district_id)


def _existing(*, alert_id: int | None, narrative_id: int | None, post_id: int | None) -> Q | None:
    q: Q | None = None
    for part in (
        Q(alert_id=alert_id) if alert_id else None,
        Q(post_id=post_id) if post_id else None,
        (Q(narrative_id=narrative_id) & ~Q(state=IncidentState.CLOSED)) if narrative_id else None,
    ):
        if part is not None:
            q = part if q is None else q | part
    return q


# WhatsApp's "Forwarded" marks (as copied from a chat, in English and Hindi) and the arrows and
# markdown around them, at the start of a forwarded rumour.
_FORWARD_MARK = re.compile(
    r"^(?:[\s⏩➡️⏭*_~\-:]|forwarded(?: as received)?|fwd|फ\u093c?ॉरवर्ड किया गया)+",
    re.IGNORECASE,
)


def headline(text: str) -> str:
    """An incident title from a rumour's text: no leading "Forwarded" marks or spaces."""
    return _FORWARD_MARK.sub("", text.strip()).strip() or text.strip()


def _open(
    *,
    origin: str,
    unit: Unit,
    title: str,
    claim: str,
    actor: User | None,
    alert_id: int | None = None,
    narrative_id: int | None = None,
    post_id: int | None = None,
    severity_floor: int = 1,
    matches: list[dict[str, object]] | None = None,
) -> tuple[Incident, bool]:
    """Open (and triage) an incident, or return the one already open for the same signal."""
    if actor is not None:
        _require(actor, Capability.TRIAGE, unit)
    ids = {"alert_id": alert_id, "narrative_id": narrative_id, "post_id": post_id}
    where = _existing(**ids)
    with transaction.atomic():
        if where is not None:
            found = Incident.objects.select_related("unit").filter(where).order_by("id").first()
            if found is not None:
                _link(found, actor=actor, **ids)
                return found, False
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    unit=unit,
                    title=headline(title)[:300] or _("Untitled incident"),
                    claim=claim.strip(),
                    origin=origin,
                    alert_id=alert_id,
                    narrative_id=narrative_id,
                    post_id=post_id,
                    opened_by=actor if actor is not None and actor.pk else None,
                    severity=severity_floor,
                    matches=matches or [],
                )
        except IntegrityError:
            # Someone opened it between our lookup and our insert: theirs is the incident.
            assert where is not None
            found = Incident.objects.select_related("unit").filter(where).order_by("id").first()
            if found is None:
                raise
            return found, False
        audit.incident_event(
            incident=incident,
            kind=EventKind.OPENED,
            actor=actor,
            data={
                "origin": origin,
                "severity_floor": severity_floor,
                **{k: v for k, v in ids.items() if v},
            },
        )
        triage_apply(incident, actor=None, floor=severity_floor)
    return incident, True


def _link(
    incident: Incident,
    *,
    actor: User | None,
    alert_id: int | None,
    narrative_id: int | None,
    post_id: int | None,
) -> None:
    """A repeat signal for an open incident: one timeline line per new alert or post."""
    new = {}
    if alert_id and incident.alert_id != alert_id:
        new["alert_id"] = alert_id
    if post_id and incident.post_id != post_id:
        new["post_id"] = post_id
    if not new:
        return
    seen = incident.events.filter(kind=EventKind.LINKED)
    for key, value in new.items():
        if seen.filter(**{f"data__{key}": value}).exists():
            return
    audit.incident_event(incident=incident, kind=EventKind.LINKED, actor=actor, data=new)


def incident_open_from_alert(*, alert_id: int, actor: User | None = None) -> tuple[Incident, bool]:
    """Open the incident for an alert (idempotent; an open incident on its narrative is reused)."""
    alert = monitoring_selectors.alert_get(alert_id=alert_id)
    # The alert's own words: a narrative's title may come from a group outside the alert's unit.
    claim = (alert.post.text if alert.post else "") or alert.message
    return _open(
        origin=IncidentOrigin.ALERT,
        unit=alert.unit,
        title=alert.message,
        claim=claim,
        actor=actor,
        alert_id=alert.id,
        # A story in two scripts is one incident (issue #17).
        narrative_id=monitoring_selectors.story_root(narrative_id=alert.narrative_id)
        if alert.narrative_id
        else None,
        post_id=alert.post_id,
    )


def incident_open_from_narrative(
    *, narrative_id: int, actor: User | None = None
) -> tuple[Incident, bool]:
    """Open the incident for a narrative: in the actor's unit, or the state when the pipeline
    opens it (idempotent while an incident on the narrative is open)."""
    if actor is not None:
        # Titled from what the actor may see (monitoring's rule for narratives).
        narrative = monitoring_selectors.access_narrative(user=actor, narrative_id=narrative_id)
        title = getattr(narrative, "visible_title", None) or narrative.title
        unit = scope_root(user=actor)
    else:
        narrative = monitoring_selectors.narrative_get(narrative_id=narrative_id)
        title = narrative.title
        districts = monitoring_selectors.narrative_district_ids(narrative_id=narrative.id)
        unit = _state_of(districts[:1])
    return _open(
        origin=IncidentOrigin.NARRATIVE,
        unit=unit,
        title=title,
        claim=title,
        actor=actor,
        narrative_id=monitoring_selectors.story_root(narrative_id=narrative.id),
    )


def incident_open_from_tip(*, post_id: int, actor: User | None = None) -> tuple[Incident, bool]:
    """Open the incident for one post (a tip, or any post an analyst flags): in its district
    when it came from a group inside the actor's area, else in the actor's unit (or the state)."""
    post = monitoring_selectors.post_get(post_id=post_id)
    unit = _district_unit(post.unit)
    if (
        actor is not None
        and actor.unit is not None
        and (unit is None or not scope.contains(actor.unit, unit))
    ):
        unit = actor.unit
    if unit is None:
        unit = _state_of([])
    return _open(
        origin=IncidentOrigin.TIP,
        unit=unit,
        title=post.text[:120] or _("Tip"),
        claim=post.text,
        actor=actor,
        post_id=post.id,
        # The story the tip belongs to (its narrative's, or one carrying its text in the other
        # script), so it joins that story's open incident (issue #17).
        narrative_id=monitoring_selectors.tip_story(post_id=post.id),
    )


def incident_open_manual(
    *, actor: User, unit: Unit, title: str, claim: str = "", severity: int = Severity.LOW
) -> Incident:
    """Open an incident by hand (something heard offline, a call, a news report)."""
    if not title.strip():
        raise WarroomError(_("An incident needs a title."))
    if severity not in Severity.values:
        raise WarroomError(_("Severity is 1 to 4."))
    text = claim or title
    # Nothing of listening's carries this claim, so it is searched once here, as a person
    # searches the fact-check pages; triage then keeps what was found.
    found = factcheck_services.match_text(text=text, k=MATCHES_SEARCHED)
    own = factcheck_selectors.own_response_ids(ids=[m.fact_check_id for m in found])
    incident, _created = _open(
        origin=IncidentOrigin.MANUAL,
        unit=unit,
        title=title,
        claim=text,
        actor=actor,
        severity_floor=severity,
        matches=[
            {"fact_check_id": m.fact_check_id, "score": round(m.score, 4), "band": m.band}
            for m in found
            if m.fact_check_id not in own
        ][:5],
    )
    return incident


def incident_retriage(*, incident_id: int) -> Incident:
    """Triage an open incident again because a signal changed (a new fact-check match)."""
    with transaction.atomic():
        incident = incident_locked(incident_id)
        opened = incident.events.filter(kind=EventKind.OPENED).order_by("id").first()
        floor = int(opened.data.get("severity_floor", 1)) if opened else 1
        return triage_apply(incident, actor=None, floor=floor)


# --- taking and moving --------------------------------------------------------------------------


def _require_training(assignee: User) -> None:
    """An analyst takes incidents only after passing the modules required for the role
    (issue #14; e.g. the fact-check module). With none required, nothing changes."""
    if Role.ANALYST not in assignee.role_names:
        return
    missing = training_selectors.missing_prerequisites(user=assignee, role=Role.ANALYST)
    if missing:
        raise TrainingRequired(missing)


def incident_assign(*, incident_id: int, assignee: User, actor: User) -> bool:
    """Assign an unassigned incident; return False if someone else got it first."""
    incident = Incident.objects.select_related("unit").get(id=incident_id)
    _require(actor, Capability.TRIAGE, incident.unit)
    if assignee.id != actor.id:
        _require(actor, Capability.APPROVE_RESPONSES, incident.unit)
        _require(assignee, Capability.TRIAGE, incident.unit)
    _require_training(assignee)
    with transaction.atomic():
        won = (
            Incident.objects.filter(id=incident_id, assignee=None)
            .exclude(state=IncidentState.CLOSED)
            .update(
                assignee=assignee,
                state=Case(
                    When(
                        state__in=[IncidentState.NEW, IncidentState.TRIAGED],
                        then=Value(IncidentState.RESPONDING),
                    ),
                    default=F("state"),
                ),
                updated_at=timezone.now(),
            )
            == 1
        )
        if won:
            audit.incident_event(
                incident=incident,
                kind=EventKind.ASSIGNED,
                actor=actor,
                data={
                    "assignee": assignee.id,
                    "name": assignee.get_full_name() or assignee.username,
                },
            )
    return won


def incident_release(*, incident_id: int, actor: User) -> bool:
    """Give an incident back to the queue (its assignee, or an approver in the area)."""
    incident = Incident.objects.select_related("unit").get(id=incident_id)
    _require(actor, Capability.TRIAGE, incident.unit)
    if incident.assignee_id != actor.id:
        _require(actor, Capability.APPROVE_RESPONSES, incident.unit)
    with transaction.atomic():
        done = (
            Incident.objects.filter(id=incident_id, assignee_id=incident.assignee_id)
            .exclude(assignee=None)
            .update(assignee=None, updated_at=timezone.now())
            == 1
        )
        if done:
            audit.incident_event(
                incident=incident, kind=EventKind.ASSIGNED, actor=actor, data={"assignee": None}
            )
    return done


def incident_transition(
    *, incident_id: int, to_state: str, actor: User, note: str = ""
) -> Incident:
    """Move an incident by hand along the allowed edges (responses move it the rest of the way)."""
    try:
        with transaction.atomic():
            incident = incident_locked(incident_id)
            _require(actor, Capability.TRIAGE, incident.unit)
            if to_state not in MANUAL_TRANSITIONS.get(incident.state, frozenset()):
                raise WarroomError(
                    _("An incident cannot go from “%(a)s” to “%(b)s”.")
                    % {
                        "a": IncidentState(incident.state).label,
                        "b": IncidentState(to_state).label
                        if to_state in IncidentState.values
                        else to_state,
                    }
                )
            incident_move(incident, to_state, actor=actor, note=note)
    except IntegrityError as exc:
        raise WarroomError(
            _("Another incident on the same narrative is open; work on that one.")
        ) from exc
    return incident


# --- SLA ----------------------------------------------------------------------------------------


def sla_check(*, now: dt.datetime | None = None, limit: int = ESCALATE_BATCH) -> int:
    """Escalate incidents past their SLA deadline with no response out; returns how many.

    Each incident is escalated once (conditional UPDATE), so any number of workers may run this.
    """
    now = now or timezone.now()
    due = list(
        Incident.objects.filter(
            state__in=SLA_STATES, escalated_at=None, sla_due_at__lt=now
        ).values_list("id", flat=True)[:limit]
    )
    done = 0
    for incident_id in due:
        with transaction.atomic():
            won = (
                Incident.objects.filter(
                    id=incident_id, escalated_at=None, state__in=SLA_STATES
                ).update(escalated_at=now, updated_at=now)
                == 1
            )
            if won:
                _escalated(incident_id, now=now)
                done += 1
    return done


def _escalated(incident_id: int, *, now: dt.datetime) -> None:
    incident = Incident.objects.select_related("unit").get(id=incident_id)
    late = int((now - incident.sla_due_at).total_seconds() // 60) if incident.sla_due_at else 0
    audit.incident_event(
        incident=incident,
        kind=EventKind.ESCALATED,
        actor=None,
        data={"severity": incident.severity, "minutes_late": late},
    )
