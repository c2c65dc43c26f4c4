"""Scoped reads of the war room. An incident is visible in the subtree of its unit; responses
follow their incident; templates and shifts follow their unit (a template without one is offered
to every war room)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pipeline import score
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.core.series import daily, daily_counts
from sampark.factcheck import selectors as factcheck_selectors
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.monitoring import selectors as monitoring_selectors
from sampark.warroom.enums import (
    OPEN_STATES,
    SLA_STATES,
    IncidentState,
    ResponseState,
    Severity,
    SlaStatus,
)
from sampark.warroom.models import Incident, IncidentEvent, Response, ResponseTemplate, Shift

if TYPE_CHECKING:
    from sampark.monitoring.models import Narrative

DUE_SOON = dt.timedelta(minutes=15)
EFFECT_HOURS = 6


def incidents_visible(*, user: User) -> QuerySet[Incident]:
    """Incidents whose unit lies in the user's subtree."""
    return Incident.objects.filter(scope_q(user=user, field="unit"))


def access_incident(*, user: User, incident_id: int) -> Incident:
    """Return the incident if it lies in the user's org subtree, else 404."""
    return get_object_or_404(
        incidents_visible(user=user).select_related("unit", "assignee", "narrative", "opened_by"),
        id=incident_id,
    )


def sla_status(incident: Incident, *, now: dt.datetime | None = None) -> str:
    """On track, due soon, overdue, or met (a response went out)."""
    now = now or timezone.now()
    if incident.state not in SLA_STATES:
        return SlaStatus.MET
    if incident.sla_due_at is None:
        return SlaStatus.ON_TRACK
    if incident.sla_due_at <= now:
        return SlaStatus.OVERDUE
    if incident.sla_due_at - now <= DUE_SOON:
        return SlaStatus.DUE_SOON
    return SlaStatus.ON_TRACK


def queue(
    *,
    user: User,
    state: str = "",
    severity: int | None = None,
    mine: bool = False,
    overdue: bool = False,
    unassigned: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Incident]:
    """Open incidents, most severe first, then the nearest SLA deadline."""
    qs = incidents_visible(user=user)
    if state and state in IncidentState.values:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=OPEN_STATES)
    if severity:
        qs = qs.filter(severity=severity)
    if mine:
        qs = qs.filter(assignee=user)
    if unassigned:
        qs = qs.filter(assignee=None)
    if overdue:
        qs = qs.filter(state__in=SLA_STATES, sla_due_at__lte=now or timezone.now())
    return qs.select_related("unit", "assignee").order_by(
        "-severity", "sla_due_at", "-created_at", "-id"
    )


def with_sla(incidents: list[Incident], *, now: dt.datetime | None = None) -> list[Incident]:
    """Set `sla` on each incident (for templates)."""
    now = now or timezone.now()
    for incident in incidents:
        incident.sla = sla_status(incident, now=now)  # type: ignore[attr-defined]
    return incidents


@dataclass
class Board:
    now: dt.datetime
    # {severity: {sla status: count}} and the totals, for the grid at the top.
    grid: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    overdue: int = 0
    top: list[Incident] = field(default_factory=list)
    accelerating: list[Narrative] = field(default_factory=list)
    on_duty: list[Shift] = field(default_factory=list)
    next_up: list[Shift] = field(default_factory=list)
    handover: Shift | None = None


def board(*, user: User, now: dt.datetime | None = None, top: int = 10) -> Board:
    """The live board: counts by severity and SLA, the head of the queue, accelerating
    narratives, and who is on duty now and next."""
    now = now or timezone.now()
    soon = now + DUE_SOON
    open_qs = incidents_visible(user=user).filter(state__in=OPEN_STATES)
    # One GROUP BY for the whole grid.
    counts = open_qs.values("severity").annotate(
        total=Count("id"),
        overdue=Count("id", filter=Q(state__in=SLA_STATES, sla_due_at__lte=now)),
        due_soon=Count(
            "id", filter=Q(state__in=SLA_STATES, sla_due_at__gt=now, sla_due_at__lte=soon)
        ),
        met=Count("id", filter=~Q(state__in=SLA_STATES)),
    )
    by_severity = {row["severity"]: row for row in counts}
    out = Board(now=now)
    for value, label in reversed(Severity.choices):
        row = by_severity.get(value, {})
        total = int(row.get("total", 0))
        overdue = int(row.get("overdue", 0))
        due_soon = int(row.get("due_soon", 0))
        met = int(row.get("met", 0))
        out.grid.append(
            {
                "severity": value,
                "label": label,
                "total": total,
                "overdue": overdue,
                "due_soon": due_soon,
                "on_track": total - overdue - due_soon - met,
                "met": met,
            }
        )
        out.total += total
        out.overdue += overdue
    out.top = with_sla(list(queue(user=user)[:top]), now=now)
    if user.can(Capability.LISTEN):
        out.accelerating = monitoring_selectors.narratives_accelerating(user=user, limit=5)
    shifts = shifts_visible(user=user)
    out.on_duty = list(shifts.filter(starts_at__lte=now, ends_at__gt=now).order_by("starts_at"))
    out.next_up = list(shifts.filter(starts_at__gt=now).order_by("starts_at")[:3])
    out.handover = (
        shifts.filter(ends_at__lte=now).exclude(handover_note="").order_by("-ends_at").first()
    )
    return out


def timeline(*, incident: Incident) -> QuerySet[IncidentEvent]:
    return (
        IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("at", "id")
    )


def matches(*, incident: Incident) -> list[dict[str, Any]]:
    """The incident's best fact-checks, each with its score and band, best first."""
    ids = [int(m["fact_check_id"]) for m in incident.matches]
    checks = {fc.id: fc for fc in factcheck_selectors.by_ids_in_order(ids=ids)}
    return [
        {"fact_check": checks[int(m["fact_check_id"])], "score": m["score"], "band": m["band"]}
        for m in incident.matches
        if int(m["fact_check_id"]) in checks
    ]


def districts(*, incident: Incident) -> list[Unit]:
    return list(Unit.objects.filter(id__in=list(incident.district_ids)).order_by("name"))


def responses_of(*, incident: Incident) -> QuerySet[Response]:
    return (
        Response.objects.filter(incident=incident)
        .select_related("author", "approver", "fact_check", "content_item", "distribution")
        .order_by("-id")
    )


def access_response(*, user: User, response_id: int) -> Response:
    """Return the response if its incident lies in the user's subtree, else 404."""
    return get_object_or_404(
        Response.objects.filter(scope_q(user=user, field="incident__unit")).select_related(
            "incident__unit",
            "author",
            "approver",
            "fact_check",
            "content_item",
            "distribution",
        ),
        id=response_id,
    )


def awaiting_approval(*, user: User) -> QuerySet[Response]:
    """Responses waiting for a person like this user (not their own)."""
    return (
        Response.objects.filter(scope_q(user=user, field="incident__unit"))
        .filter(state=ResponseState.AWAITING_APPROVAL)
        .exclude(author=user)
        .select_related("incident", "author")
        .order_by("submitted_at")
    )


def templates_visible(*, user: User, active_only: bool = False) -> QuerySet[ResponseTemplate]:
    """Templates for everyone, and those of units in the user's subtree."""
    qs = ResponseTemplate.objects.filter(Q(unit=None) | scope_q(user=user, field="unit"))
    if active_only:
        qs = qs.filter(active=True)
    return qs.select_related("unit").order_by("language", "name")


def access_template(*, user: User, template_id: int) -> ResponseTemplate:
    return get_object_or_404(templates_visible(user=user), id=template_id)


def shifts_visible(*, user: User) -> QuerySet[Shift]:
    """Roster rows of war rooms in the user's subtree."""
    return Shift.objects.filter(scope_q(user=user, field="unit")).select_related("user", "unit")


def access_shift(*, user: User, shift_id: int) -> Shift:
    return get_object_or_404(shifts_visible(user=user), id=shift_id)


def roster(*, user: User, start: dt.datetime, days: int = 7) -> QuerySet[Shift]:
    """Shifts that overlap the `days` days from `start`."""
    end = start + dt.timedelta(days=days)
    return (
        shifts_visible(user=user)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "unit__path")
    )


@dataclass(frozen=True)
class Effect:
    """Posts per hour of the narrative before and after the response went out."""

    before: float
    after: float
    hours_after: int

    @property
    def slowed(self) -> bool | None:
        """Whether the narrative slowed (None until an hour has passed)."""
        if self.hours_after < 1:
            return None
        return self.after < self.before

    @property
    def change_percent(self) -> int | None:
        if self.hours_after < 1 or self.before <= 0:
            return None
        return round((self.after - self.before) * 100 / self.before)


def response_effect(
    *, incident: Incident, now: dt.datetime | None = None, hours: int = EFFECT_HOURS
) -> Effect | None:
    """Did the narrative slow down? Posts per hour in the `hours` before the first published
    response against the (up to) `hours` after it, from the narrative's hourly counts."""
    if incident.narrative_id is None or incident.published_at is None:
        return None
    now = now or timezone.now()
    at = score.hour_floor(incident.published_at)
    start = at - dt.timedelta(hours=hours)
    end = min(at + dt.timedelta(hours=hours), score.hour_floor(now))
    rows = monitoring_selectors.narrative_posts_by_hour(
        narrative_id=incident.narrative_id, start=start, end=max(end, at)
    )
    before = sum(n for hour, n in rows.items() if hour < at)
    after = sum(n for hour, n in rows.items() if hour >= at)
    hours_after = max(0, int((end - at).total_seconds() // 3600))
    return Effect(
        before=before / hours,
        after=after / hours_after if hours_after else 0.0,
        hours_after=hours_after,
    )


# --- signals for staff notifications (pulled by `notify`, which sits above the war room) ------


@dataclass(frozen=True)
class IncidentSignal:
    id: int
    unit_id: int
    severity: int
    title: str
    origin: str
    at: dt.datetime


def _signals(qs: QuerySet[Incident], at_field: str) -> list[IncidentSignal]:
    return [
        IncidentSignal(id=i, unit_id=u, severity=s, title=t, origin=o, at=a)
        for i, u, s, t, o, a in qs.values_list(
            "id", "unit_id", "severity", "title", "origin", at_field
        )
    ]


def incidents_after(*, after_id: int, limit: int = 200) -> list[IncidentSignal]:
    """Incidents with an id above `after_id`, in id order: the signal of a new incident (or of
    the alert it was opened for). Callers scope each one to its recipients."""
    qs = Incident.objects.filter(id__gt=after_id).order_by("id")[:limit]
    return _signals(qs, "created_at")


def escalated_untaken(*, limit: int = 200) -> list[IncidentSignal]:
    """Incidents past their SLA (escalated) that nobody has taken and no response has left."""
    qs = Incident.objects.filter(
        escalated_at__isnull=False, assignee=None, state__in=SLA_STATES
    ).order_by("escalated_at", "id")[:limit]
    return _signals(qs, "escalated_at")


def incident_untaken_ids(*, ids: list[int]) -> set[int]:
    """Of these incidents, those still escalated, untaken and without a response out."""
    return set(
        Incident.objects.filter(
            id__in=ids, escalated_at__isnull=False, assignee=None, state__in=SLA_STATES
        ).values_list("id", flat=True)
    )


@dataclass(frozen=True)
class OnDuty:
    user_id: int
    role: str
    unit_id: int


def on_duty_for(*, unit: Unit, at: dt.datetime) -> list[OnDuty]:
    """Who is on shift now in a war room whose unit holds `unit` (its own or an ancestor's),
    the nearest war room first."""
    around = (unit.sector_id, unit.mandal_id, unit.ac_id, unit.pc_id, unit.district_id)
    ancestors = [unit.id, *(uid for uid in (*around, unit.state_id) if uid is not None)]
    rows = Shift.objects.filter(
        unit_id__in=ancestors, starts_at__lte=at, ends_at__gt=at, user__is_active=True
    ).values_list("user_id", "role", "unit_id", "unit__depth")
    ordered = sorted(rows, key=lambda r: (-r[3], r[0]))
    nearest = ordered[0][3] if ordered else None
    return [OnDuty(user_id=u, role=r, unit_id=w) for u, r, w, d in ordered if d == nearest]


@dataclass(frozen=True)
class ApprovalSignal:
    id: int
    unit_id: int
    author_id: int
    title: str
    at: dt.datetime | None


def responses_awaiting_since(*, since: dt.datetime, limit: int = 200) -> list[ApprovalSignal]:
    """Responses submitted for approval at or after `since` and still waiting, oldest first."""
    qs = (
        Response.objects.filter(state=ResponseState.AWAITING_APPROVAL, submitted_at__gte=since)
        .order_by("submitted_at", "id")
        .values_list("id", "incident__unit_id", "author_id", "incident__title", "submitted_at")
    )[:limit]
    return [ApprovalSignal(id=i, unit_id=u, author_id=a, title=t, at=s) for i, u, a, t, s in qs]


def incidents_daily(*, unit: Unit, since: dt.datetime) -> dict[str, dict[dt.date, Any]]:
    """Per day (IST) since `since`, in the unit's subtree (the caller has scoped the unit):
    incidents opened; answered (a response published), answered within their SLA, and the mean
    minutes from opening to the answer. Two GROUP BYs by day in the database (results' charts)."""
    rows = Incident.objects.all()
    if unit.parent_id is not None:  # the top of the tree holds every row: no join to Unit
        rows = rows.filter(subtree_q(unit, field="unit"))
    answered = daily(
        rows.filter(published_at__isnull=False),
        field="published_at",
        since=since,
        in_sla=Count("id", filter=Q(sla_due_at__isnull=False, published_at__lte=F("sla_due_at"))),
        mean=Avg(
            ExpressionWrapper(F("published_at") - F("created_at"), output_field=DurationField())
        ),
    )
    return {
        "opened": daily_counts(rows, field="created_at", since=since),
        "answered": {day: int(r["n"]) for day, r in answered.items()},
        "in_sla": {day: int(r["in_sla"]) for day, r in answered.items()},
        "minutes": {
            day: round(r["mean"].total_seconds() / 60, 1)
            for day, r in answered.items()
            if r["mean"] is not None
        },
    }
