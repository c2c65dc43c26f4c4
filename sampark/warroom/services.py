"""Writes of the war room (issue #4): opening and triaging incidents, taking them, responses from
draft to publication, SLA escalation, the templates and the duty roster.

Every service is keyword-only and atomic, and writes a timeline row (`IncidentEvent`) beside the
core audit row. Reads are in `selectors.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require
from sampark.accounts.selectors import scope_root
from sampark.content import services as content_services
from sampark.content.services import ContentError
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck import services as factcheck_services
from sampark.factcheck.enums import MatchBand, Verdict
from sampark.geo import scope
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.monitoring import selectors as monitoring_selectors
from sampark.people.enums import ConsentPurpose
from sampark.warroom import audit
from sampark.warroom.enums import (
    MANUAL_TRANSITIONS,
    SLA_STATES,
    EventKind,
    IncidentOrigin,
    IncidentState,
    Language,
    ResponseState,
    Severity,
)
from sampark.warroom.models import Incident, Response, ResponseTemplate, Shift

if TYPE_CHECKING:
    from sampark.factcheck.models import FactCheck


class WarroomError(ValueError):
    """A refused change, with a message meant for the user."""


# Minutes from opening to a published response, per severity (SAMPARK_WARROOM_SLA overrides).
SLA_MINUTES: dict[int, int] = {4: 30, 3: 60, 2: 240, 1: 720}
MATCHES_KEPT = 5
ESCALATE_BATCH = 100
FALSE_VERDICTS = frozenset({Verdict.FALSE, Verdict.MISLEADING, Verdict.PARTLY_FALSE})
PLACEHOLDER = re.compile(r"\{(claim|verdict|factcheck_url|publisher)\}")
# Verdict words inside Hindi responses (the UI's gettext language must not decide them).
VERDICT_HI: dict[str, str] = {
    Verdict.FALSE: "झूठा",
    Verdict.MISLEADING: "भ्रामक",
    Verdict.PARTLY_FALSE: "आंशिक रूप से झूठा",
    Verdict.TRUE: "सही",
    Verdict.UNPROVEN: "अप्रमाणित",
    Verdict.SATIRE: "व्यंग्य",
    Verdict.OTHER: "संदिग्ध",
}
VERDICT_EN: dict[str, str] = {
    Verdict.FALSE: "false",
    Verdict.MISLEADING: "misleading",
    Verdict.PARTLY_FALSE: "partly false",
    Verdict.TRUE: "true",
    Verdict.UNPROVEN: "unproven",
    Verdict.SATIRE: "satire",
    Verdict.OTHER: "disputed",
}


def sla_minutes(severity: int) -> int:
    conf: dict[Any, Any] = getattr(settings, "SAMPARK_WARROOM_SLA", None) or SLA_MINUTES
    value = conf.get(severity, conf.get(str(severity), SLA_MINUTES.get(severity, 720)))
    return int(value)


def _locked(incident_id: int) -> Incident:
    return Incident.objects.select_for_update().select_related("unit").get(id=incident_id)


def _locked_response(response_id: int) -> Response:
    return (
        # `of=("self",)`: PostgreSQL cannot lock the nullable side of the outer joins.
        Response.objects.select_for_update(of=("self",))
        .select_related("incident__unit", "fact_check", "author", "approver")
        .get(id=response_id)
    )


def _touch(incident: Incident, **fields: Any) -> None:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.save(update_fields=list(fields))


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
        _triage(incident, actor=None, floor=severity_floor)
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
        narrative_id=alert.narrative_id,
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
        narrative_id=narrative.id,
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
        narrative_id=post.narrative_id,
    )


def incident_open_manual(
    *, actor: User, unit: Unit, title: str, claim: str = "", severity: int = Severity.LOW
) -> Incident:
    """Open an incident by hand (something heard offline, a call, a news report)."""
    if not title.strip():
        raise WarroomError(_("An incident needs a title."))
    if severity not in Severity.values:
        raise WarroomError(_("Severity is 1 to 4."))
    incident, _created = _open(
        origin=IncidentOrigin.MANUAL,
        unit=unit,
        title=title,
        claim=claim or title,
        actor=actor,
        severity_floor=severity,
    )
    return incident


# --- triage -------------------------------------------------------------------------------------


@dataclass
class Signals:
    reach: int = 0
    velocity: float = 0.0
    watch_hits: int = 0
    district_ids: list[int] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    match_band: str = ""
    match_verdict: str = ""


def severity_for(s: Signals) -> int:
    """Severity 1–4 from the triage signals.

    Points:
    - reach (posts seen): ≥ 1,000 → 2, ≥ 100 → 1;
    - velocity (posts in the last hour): ≥ 50 → 2, ≥ 10 → 1;
    - watchlist hits: ≥ 10 → 2, ≥ 1 → 1;
    - affected districts: ≥ 3 → 1;
    - the best match is the same claim ("auto") and rated false, misleading or partly false
      → 1: a known falsehood is spreading and the answer is ready (low effort), so it goes to
      the front of the queue; rated true → −1 (probably not a rumour).
    Severity = 1 + points // 2, at most 4 (0–1 points low, 6 or more critical).
    """
    points = 0
    points += 2 if s.reach >= 1000 else 1 if s.reach >= 100 else 0
    points += 2 if s.velocity >= 50 else 1 if s.velocity >= 10 else 0
    points += 2 if s.watch_hits >= 10 else 1 if s.watch_hits >= 1 else 0
    points += 1 if len(s.district_ids) >= 3 else 0
    if s.match_band == MatchBand.AUTO and s.match_verdict in FALSE_VERDICTS:
        points += 1
    elif s.match_band == MatchBand.AUTO and s.match_verdict == Verdict.TRUE:
        points -= 1
    return min(Severity.CRITICAL, 1 + max(0, points) // 2)


def _signals(incident: Incident) -> Signals:
    spread = monitoring_selectors.spread_of(
        narrative_id=incident.narrative_id, post_id=incident.post_id, alert_id=incident.alert_id
    )
    s = Signals(
        reach=spread.reach,
        velocity=spread.velocity,
        watch_hits=spread.watch_hits,
        district_ids=list(spread.district_ids),
    )
    if not s.district_ids:
        unit = incident.unit
        district = unit.id if unit.level == Level.DISTRICT else unit.district_id
        s.district_ids = [district] if district else []
    s.matches = _matches(incident)
    if s.matches:
        best = s.matches[0]
        s.match_band = best["band"]
        s.match_verdict = factcheck_selectors.factcheck_verdict(factcheck_id=best["fact_check_id"])
    return s


def _matches(incident: Incident) -> list[dict[str, Any]]:
    """The best fact-checks for the incident: the pipeline's matches, else a fresh search."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    rows = factcheck_selectors.claim_matches_best(
        narrative_id=incident.narrative_id, post_id=incident.post_id
    )
    for fc_id, score, band in rows:
        if fc_id not in seen:
            seen.add(fc_id)
            out.append({"fact_check_id": fc_id, "score": round(score, 4), "band": band})
    if not out:
        text = incident.claim or incident.title
        hits = factcheck_services.match_text(text=text, k=MATCHES_KEPT * 2)
        own = factcheck_selectors.own_response_ids(ids=[h.fact_check_id for h in hits])
        out = [
            {"fact_check_id": h.fact_check_id, "score": round(h.score, 4), "band": h.band}
            for h in hits
            if h.fact_check_id not in own
        ]
    return out[:MATCHES_KEPT]


def _triage(incident: Incident, *, actor: User | None, floor: int = 1) -> Incident:
    s = _signals(incident)
    severity = max(severity_for(s), floor)
    due = incident.created_at + dt.timedelta(minutes=sla_minutes(severity))
    fields: dict[str, Any] = {
        "reach": s.reach,
        "velocity": s.velocity,
        "watch_hits": s.watch_hits,
        "district_ids": s.district_ids,
        "matches": s.matches,
        "match_band": s.match_band,
        "match_verdict": s.match_verdict,
        "severity": severity,
        "sla_due_at": due,
        "triaged_at": timezone.now(),
    }
    if incident.state == IncidentState.NEW:
        fields["state"] = IncidentState.TRIAGED
    _touch(incident, **fields)
    audit.incident_event(
        incident=incident,
        kind=EventKind.TRIAGED,
        actor=actor,
        data={
            "severity": severity,
            "reach": s.reach,
            "velocity": s.velocity,
            "watch_hits": s.watch_hits,
            "districts": len(s.district_ids),
            "match": s.match_band,
            "verdict": s.match_verdict,
        },
    )
    return incident


def incident_triage(*, incident_id: int, actor: User | None) -> Incident:
    """Recompute the incident's signals and severity (and its SLA deadline from them)."""
    with transaction.atomic():
        incident = _locked(incident_id)
        if actor is not None:
            _require(actor, Capability.TRIAGE, incident.unit)
        if incident.state == IncidentState.CLOSED:
            raise WarroomError(_("A closed incident is not triaged."))
        # The opener's judgement (manual incidents) stands for what the signals cannot see.
        opened = incident.events.filter(kind=EventKind.OPENED).order_by("id").first()
        floor = int(opened.data.get("severity_floor", 1)) if opened else 1
        return _triage(incident, actor=actor, floor=floor)


# --- taking and moving --------------------------------------------------------------------------


def incident_assign(*, incident_id: int, assignee: User, actor: User) -> bool:
    """Assign an unassigned incident; return False if someone else got it first."""
    incident = Incident.objects.select_related("unit").get(id=incident_id)
    _require(actor, Capability.TRIAGE, incident.unit)
    if assignee.id != actor.id:
        _require(actor, Capability.APPROVE_RESPONSES, incident.unit)
        _require(assignee, Capability.TRIAGE, incident.unit)
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


def _move(incident: Incident, to: str, *, actor: User | None, note: str = "") -> None:
    """Change state (caller holds the row lock) and put it on the timeline."""
    before = incident.state
    if before == to:
        return
    fields: dict[str, Any] = {"state": to}
    now = timezone.now()
    if to == IncidentState.CLOSED:
        fields["closed_at"] = now
    if to == IncidentState.PUBLISHED and incident.published_at is None:
        fields["published_at"] = now
    _touch(incident, **fields)
    data: dict[str, Any] = {"from": before, "to": to}
    if note:
        data["note"] = note[:500]
    audit.incident_event(incident=incident, kind=EventKind.STATE, actor=actor, data=data)


def incident_transition(
    *, incident_id: int, to_state: str, actor: User, note: str = ""
) -> Incident:
    """Move an incident by hand along the allowed edges (responses move it the rest of the way)."""
    try:
        with transaction.atomic():
            incident = _locked(incident_id)
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
            _move(incident, to_state, actor=actor, note=note)
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
                incident = Incident.objects.select_related("unit").get(id=incident_id)
                late = (
                    int((now - incident.sla_due_at).total_seconds() // 60)
                    if incident.sla_due_at
                    else 0
                )
                audit.incident_event(
                    incident=incident,
                    kind=EventKind.ESCALATED,
                    actor=None,
                    data={"severity": incident.severity, "minutes_late": late},
                )
                done += 1
    return done


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS "warroom"): escalate overdue incidents and post
    published responses on the official accounts."""
    from sampark.warroom import official

    def step() -> int:
        return open_from_alerts() + sla_check() + official.post_pending()

    return step


def open_from_alerts(*, hours: int = 24, limit: int = 20) -> int:
    """Open (and triage) an incident for each recent listening alert that has none yet.

    Alerts are the listening pipeline's "this is spreading" signal; the war room must see them
    without anyone clicking. Opening is idempotent per alert (a unique constraint), so two
    workers racing here open one incident.
    """
    since = timezone.now() - dt.timedelta(hours=hours)
    open_narratives = Incident.objects.filter(narrative__isnull=False).exclude(
        state=IncidentState.CLOSED
    )
    fresh = monitoring_selectors.alert_ids_since(
        since=since,
        limit=limit,
        exclude_ids=Incident.objects.filter(alert__isnull=False).values("alert_id"),
        # An alert on a narrative that already has an open incident adds nothing to the queue.
        exclude_narrative_ids=open_narratives.values("narrative_id"),
    )
    for alert_id in fresh:
        incident_open_from_alert(alert_id=alert_id)
    return len(fresh)


# --- responses ----------------------------------------------------------------------------------


def publisher_of(fact_check: FactCheck) -> str:
    if fact_check.publisher.strip():
        return fact_check.publisher.strip()
    host = urlsplit(fact_check.url).hostname or ""
    return host.removeprefix("www.") or "—"


def labels_for(fact_check: FactCheck) -> tuple[str, str]:
    """The label every response carries, in Hindi and English."""
    publisher = publisher_of(fact_check)
    return (
        f"हमारा जवाब, {publisher} की तथ्य-जाँच के हवाले से",
        f"Our response, citing {publisher}'s fact-check",
    )


def verdict_word(fact_check: FactCheck, language: str) -> str:
    words = VERDICT_EN if language == Language.ENGLISH else VERDICT_HI
    if fact_check.verdict == Verdict.OTHER and fact_check.rating.strip():
        return fact_check.rating.strip()
    return words.get(fact_check.verdict, fact_check.rating or "—")


def fill_template(*, body: str, claim: str, fact_check: FactCheck | None, language: str) -> str:
    """Replace the four placeholders; anything else in braces is left as written."""
    values = {
        "claim": claim.strip(),
        "verdict": verdict_word(fact_check, language) if fact_check else "",
        "factcheck_url": fact_check.url if fact_check else "",
        "publisher": publisher_of(fact_check) if fact_check else "",
    }
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], body)


def _citable(fact_check_id: int | None) -> FactCheck | None:
    if fact_check_id is None:
        return None
    fact_check = factcheck_selectors.factcheck_find(factcheck_id=fact_check_id)
    if fact_check is None:
        raise WarroomError(_("That fact-check does not exist."))
    if fact_check.is_own_response:
        raise WarroomError(_("Cite a third-party fact-check, not one of our own responses."))
    return fact_check


def _best_citable(incident: Incident) -> FactCheck | None:
    """The incident's best match, when it is still there and not one of our own responses."""
    if not incident.matches:
        return None
    best = factcheck_selectors.factcheck_find(
        factcheck_id=int(incident.matches[0]["fact_check_id"])
    )
    return best if best is not None and not best.is_own_response else None


def _template(template_id: int, *, user: User, language: str) -> ResponseTemplate:
    root = user.unit
    template = (
        ResponseTemplate.objects.select_related("unit").filter(id=template_id, active=True).first()
    )
    if (
        template is None
        or root is None
        or (template.unit is not None and not scope.contains(root, template.unit))
    ):
        raise WarroomError(_("That template is not available."))
    if template.language != language:
        raise WarroomError(_("That template is in the other language."))
    return template


def response_draft(
    *,
    incident_id: int,
    author: User,
    fact_check_id: int | None = None,
    template_hi_id: int | None = None,
    template_en_id: int | None = None,
    text_hi: str = "",
    text_en: str = "",
    language: str = Language.HINDI,
) -> Response:
    """Start a response; templates fill {claim} {verdict} {factcheck_url} {publisher}.

    Without a fact-check id the incident's best match is cited. The label is set from the cited
    fact-check and stays in front of the texts wherever they go.
    """
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    with transaction.atomic():
        incident = _locked(incident_id)
        _require(author, Capability.TRIAGE, incident.unit)
        if incident.state == IncidentState.CLOSED:
            raise WarroomError(_("This incident is closed."))
        fact_check = (
            _citable(fact_check_id) if fact_check_id is not None else _best_citable(incident)
        )
        claim = incident.claim or incident.title
        if template_hi_id:
            body = _template(template_hi_id, user=author, language=Language.HINDI).body
            text_hi = fill_template(
                body=body, claim=claim, fact_check=fact_check, language=Language.HINDI
            )
        if template_en_id:
            body = _template(template_en_id, user=author, language=Language.ENGLISH).body
            text_en = fill_template(
                body=body, claim=claim, fact_check=fact_check, language=Language.ENGLISH
            )
        label_hi, label_en = labels_for(fact_check) if fact_check else ("", "")
        response = Response.objects.create(
            incident=incident,
            author=author,
            language=language,
            text_hi=text_hi.strip(),
            text_en=text_en.strip(),
            fact_check=fact_check,
            label_hi=label_hi,
            label_en=label_en,
        )
        if incident.state in (IncidentState.NEW, IncidentState.TRIAGED):
            _move(incident, IncidentState.RESPONDING, actor=author)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_DRAFTED,
            actor=author,
            data={"response": response.id, "fact_check": fact_check.id if fact_check else None},
        )
    return response


def response_update(
    *,
    response_id: int,
    actor: User,
    text_hi: str,
    text_en: str,
    fact_check_id: int | None,
    language: str = Language.HINDI,
) -> Response:
    """Edit a draft (or a response sent back, which becomes a draft again); author only."""
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    with transaction.atomic():
        response = _locked_response(response_id)
        incident = response.incident
        _require(actor, Capability.TRIAGE, incident.unit)
        if response.author_id != actor.id:
            raise PermissionDenied(_("Only the author edits a response."))
        if response.state not in (ResponseState.DRAFT, ResponseState.REJECTED):
            raise WarroomError(_("Only a draft can be changed."))
        fact_check = _citable(fact_check_id)
        response.text_hi = text_hi.strip()
        response.text_en = text_en.strip()
        response.language = language
        response.fact_check = fact_check
        response.label_hi, response.label_en = labels_for(fact_check) if fact_check else ("", "")
        response.state = ResponseState.DRAFT
        response.updated_at = timezone.now()
        response.save()
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_EDITED,
            actor=actor,
            data={"response": response.id},
        )
    return response


def response_submit(*, response_id: int, actor: User) -> Response:
    """Draft → awaiting approval; needs a cited fact-check and a text in its language."""
    with transaction.atomic():
        response = _locked_response(response_id)
        incident = _locked(response.incident_id)
        _require(actor, Capability.TRIAGE, incident.unit)
        if response.author_id != actor.id:
            raise PermissionDenied(_("Only the author sends a response for approval."))
        if response.state not in (ResponseState.DRAFT, ResponseState.REJECTED):
            raise WarroomError(_("Only a draft can be sent for approval."))
        if response.fact_check is None:
            raise WarroomError(_("Cite a fact-check first."))
        own = response.text_en if response.language == Language.ENGLISH else response.text_hi
        if not own.strip():
            raise WarroomError(_("Write the response in its language first."))
        response.label_hi, response.label_en = labels_for(response.fact_check)
        response.state = ResponseState.AWAITING_APPROVAL
        response.submitted_at = timezone.now()
        response.review_note = ""
        response.save()
        if incident.state in (
            IncidentState.NEW,
            IncidentState.TRIAGED,
            IncidentState.RESPONDING,
        ):
            _move(incident, IncidentState.AWAITING_APPROVAL, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_SUBMITTED,
            actor=actor,
            data={"response": response.id},
        )
    return response


def can_approve(*, user: User, response: Response) -> bool:
    """ "A role above the author": may approve responses, is not the author, and the incident's
    unit lies in the user's subtree."""
    root = user.unit
    return (
        user.can(Capability.APPROVE_RESPONSES)
        and user.id != response.author_id
        and root is not None
        and scope.contains(root, response.incident.unit)
    )


def _check_approver(actor: User, response: Response) -> None:
    if actor.id == response.author_id:
        raise PermissionDenied(_("A response must be approved by someone other than its author."))
    if not can_approve(user=actor, response=response):
        raise PermissionDenied(_("Your role may not approve responses here."))


def response_approve(*, response_id: int, actor: User, note: str = "") -> Response:
    """Awaiting approval → approved, by a person above the author (the human approval)."""
    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.AWAITING_APPROVAL:
            raise WarroomError(_("Only a response awaiting approval can be approved."))
        response.state = ResponseState.APPROVED
        response.approver = actor
        response.approved_at = timezone.now()
        response.review_note = note.strip()
        response.save()
        audit.incident_event(
            incident=response.incident,
            kind=EventKind.RESPONSE_APPROVED,
            actor=actor,
            data={"response": response.id},
        )
    return response


def response_reject(*, response_id: int, actor: User, note: str) -> Response:
    """Awaiting approval → sent back to the author with a note."""
    if not note.strip():
        raise WarroomError(_("Say what needs to change."))
    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.AWAITING_APPROVAL:
            raise WarroomError(_("Only a response awaiting approval can be sent back."))
        incident = _locked(response.incident_id)
        response.state = ResponseState.REJECTED
        response.approver = actor
        response.review_note = note.strip()
        response.save()
        if incident.state == IncidentState.AWAITING_APPROVAL:
            _move(incident, IncidentState.RESPONDING, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_REJECTED,
            actor=actor,
            data={"response": response.id, "note": note.strip()[:500]},
        )
    return response


def distribution_targets(incident: Incident) -> list[int]:
    """Units the kit goes to: the affected districts inside the incident's unit, else the unit."""
    unit = incident.unit
    if unit.level not in (Level.STATE, Level.PC):
        return [unit.id]
    inside = Unit.objects.filter(
        scope.subtree_q(unit), id__in=list(incident.district_ids), level=Level.DISTRICT
    ).values_list("id", flat=True)
    return sorted(inside) or [unit.id]


def response_url(response: Response) -> str:
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return base + reverse("warroom:response", kwargs={"response_id": response.id})


def response_publish(*, response_id: int, actor: User) -> Response:
    """Approved → published: a content kit for the affected units' volunteers, the response
    recorded as our own fact-check, and (where switched on) the official accounts.

    Content publishes the kit in one call, as written by the response's author and approved by
    its approver: that approval is the human approval the kit needs, and reviewer ≠ author holds.
    """
    from sampark.warroom import official

    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.APPROVED or response.approver is None:
            raise WarroomError(_("Only an approved response can be published."))
        incident = _locked(response.incident_id)
        fact_check = response.fact_check
        assert fact_check is not None  # submit requires it
        now = timezone.now()
        targets = distribution_targets(incident)
        try:
            distribution = content_services.response_kit_publish(
                actor=actor,
                author=response.author,
                approver=response.approver,
                approval_note=response.review_note,
                unit=incident.unit,
                title=(_("Response") + ": " + incident.title)[:200],
                text_hi=response.full_text_hi,
                text_en=response.full_text_en,
                tags=["war-room"],
                origin=f"warroom.response:{response.id}",
                target_ids=targets,
                purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
                scheduled_at=now,
            )
        except ContentError as exc:
            raise WarroomError(str(exc)) from exc
        factcheck_services.own_response_publish(
            url=response_url(response),
            claim=incident.claim or incident.title,
            verdict=fact_check.verdict,
            text=response.full_text,
            language=response.language,
            title=incident.title,
            actor=actor,
        )
        response.state = ResponseState.PUBLISHED
        response.published_at = now
        response.content_item_id = distribution.item_id
        response.distribution = distribution
        response.official = {name: {"status": "queued"} for name in official.enabled_accounts()}
        response.official_pending = bool(response.official)
        response.save()
        if incident.state != IncidentState.CLOSED:
            _move(incident, IncidentState.PUBLISHED, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_PUBLISHED,
            actor=actor,
            data={
                "response": response.id,
                "item": distribution.item_id,
                "distribution": distribution.id,
                "targets": targets,
                "official": sorted(response.official),
            },
        )
    return response


# --- templates and the roster -------------------------------------------------------------------


def _template_scope(actor: User, unit: Unit | None) -> None:
    if not actor.can(Capability.APPROVE_RESPONSES):
        raise PermissionDenied(_("Your role may not manage response templates."))
    root = actor.unit
    if root is None:
        raise PermissionDenied(_("This unit is outside your area."))
    if unit is None:
        if root.parent_id is not None and not actor.is_superuser:
            raise PermissionDenied(_("Only the state war room keeps templates for everyone."))
    elif not scope.contains(root, unit):
        raise PermissionDenied(_("This unit is outside your area."))


def template_save(
    *,
    actor: User,
    name: str,
    language: str,
    body: str,
    unit: Unit | None,
    active: bool = True,
    template_id: int | None = None,
) -> ResponseTemplate:
    """Create or change a response template (approvers only; global ones at the state level)."""
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    if not name.strip() or not body.strip():
        raise WarroomError(_("A template needs a name and a text."))
    _template_scope(actor, unit)
    with transaction.atomic():
        if template_id is None:
            template = ResponseTemplate(created_by=actor)
        else:
            template = ResponseTemplate.objects.select_for_update().get(id=template_id)
            _template_scope(actor, template.unit)
        template.name = name.strip()[:200]
        template.language = language
        template.body = body.strip()
        template.unit = unit
        template.active = active
        template.updated_at = timezone.now()
        template.save()
        audit.record(
            verb="response_template.saved",
            object_type="response_template",
            object_id=template.id,
            actor=actor,
            unit_path=unit.path if unit else "",
        )
    return template


def template_delete(*, template_id: int, actor: User) -> None:
    """Retire a template (kept, inactive: drafts made from it stay explainable)."""
    with transaction.atomic():
        template = ResponseTemplate.objects.select_for_update().get(id=template_id)
        _template_scope(actor, template.unit)
        template.active = False
        template.updated_at = timezone.now()
        template.save(update_fields=["active", "updated_at"])
        audit.record(
            verb="response_template.retired",
            object_type="response_template",
            object_id=template.id,
            actor=actor,
        )


def shift_create(
    *,
    actor: User,
    unit: Unit,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    role: str,
) -> Shift:
    """Put someone on the roster of a unit's war room (approvers, inside their area)."""
    _require(actor, Capability.APPROVE_RESPONSES, unit)
    if ends_at <= starts_at:
        raise WarroomError(_("A shift ends after it starts."))
    if user.unit is None or (
        not scope.contains(unit, user.unit) and not scope.contains(user.unit, unit)
    ):
        raise WarroomError(_("That person does not work in this unit."))
    with transaction.atomic():
        shift = Shift.objects.create(
            unit=unit,
            user=user,
            role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        audit.record(
            verb="shift.created",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=unit.path,
        )
    return shift


def shift_handover(*, shift_id: int, actor: User, note: str) -> Shift:
    """Write the hand-over note of a shift (the person on it, or an approver in the area)."""
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("unit").get(id=shift_id)
        if shift.user_id != actor.id:
            _require(actor, Capability.APPROVE_RESPONSES, shift.unit)
        shift.handover_note = note.strip()
        shift.updated_at = timezone.now()
        shift.save(update_fields=["handover_note", "updated_at"])
        audit.record(
            verb="shift.handover",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=shift.unit.path,
        )
    return shift


def shift_delete(*, shift_id: int, actor: User) -> None:
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("unit").get(id=shift_id)
        _require(actor, Capability.APPROVE_RESPONSES, shift.unit)
        audit.record(
            verb="shift.deleted",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=shift.unit.path,
        )
        shift.delete()
