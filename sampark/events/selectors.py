"""Scoped reads of the events app.

A season is planned by the state and seen by everyone in it; its targets, an event's
registrations and attendance are seen only inside the viewer's subtree. An event is visible to
its host unit's subtree and to everyone whose unit lies below the host (a booth volunteer sees
their district's workshop and the state convention).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit, scope_q, scope_root
from sampark.events import tickets
from sampark.events.enums import HOST_LEVEL, EventKind, EventStatus, RegistrationStatus
from sampark.events.models import Attendance, Event, Gate, Registration, Season, Target, Ticket
from sampark.events.targets import Weighted, split
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import contains, subtree_q
from sampark.people import selectors as people_selectors

ANCESTOR_FIELDS = ("state_id", "district_id", "pc_id", "ac_id", "mandal_id", "sector_id")


def _above_ids(unit: Unit) -> set[int]:
    """The unit and its ancestors (and its PC)."""
    return {unit.id, *(i for f in ANCESTOR_FIELDS if (i := getattr(unit, f)) is not None)}


def seasons_visible(*, user: User) -> QuerySet[Season]:
    """Seasons planned for the state the user works in, newest first."""
    root = scope_root(user=user)
    return Season.objects.filter(unit_id__in=_above_ids(root)).order_by("-starts_on", "-id")


def access_season(*, user: User, season_id: int) -> Season:
    """Return the season if it was planned for the user's state, else 404."""
    return get_object_or_404(seasons_visible(user=user).select_related("unit"), id=season_id)


def events_visible(*, user: User) -> QuerySet[Event]:
    """Events hosted in the user's subtree or above the user's unit, soonest first."""
    root = scope_root(user=user)
    return (
        Event.objects.filter(scope_q(user=user, field="unit") | Q(unit_id__in=_above_ids(root)))
        .select_related("unit")
        .order_by("starts_at", "id")
    )


def access_event(*, user: User, event_id: int) -> Event:
    """Return the event if the user may see it (see the module docstring), else 404."""
    return get_object_or_404(events_visible(user=user), id=event_id)


@dataclass(frozen=True)
class UnitTarget:
    unit: Unit
    target: int
    pinned: bool
    reason: str


def host_targets(*, user: User, season: Season) -> list[UnitTarget]:
    """The season's host units (districts, PCs) inside the user's subtree with their targets."""
    level = HOST_LEVEL[season.kind]
    rows = (
        Target.objects.filter(season=season, unit__level=level)
        .filter(scope_q(user=user, field="unit"))
        .select_related("unit")
        .order_by("unit__number", "unit__path")
    )
    return [UnitTarget(t.unit, t.target, t.pinned, t.reason) for t in rows]


def _children(season: Season, unit: Unit) -> QuerySet[Unit]:
    if unit.level == Level.PC:
        return Unit.objects.filter(pc=unit, level=Level.AC)
    if unit.level == Level.STATE and season.kind == EventKind.PC_MEETING:
        return Unit.objects.filter(state=unit, level=Level.PC)
    return Unit.objects.filter(parent=unit)


def child_targets(
    *, user: User, season: Season, unit_id: int
) -> tuple[UnitTarget, list[UnitTarget]]:
    """A unit in the user's subtree with its target, and its children's targets (booths'
    computed from their sector's target by the same split, unless pinned)."""
    unit = access_unit(user=user, unit_id=unit_id)
    own = get_object_or_404(Target.objects.filter(season=season), unit=unit)
    kids = list(_children(season, unit).order_by("number", "path"))
    stored = {t.unit_id: t for t in Target.objects.filter(season=season, unit__in=kids)}
    if kids and kids[0].level == Level.BOOTH:
        pins = {uid: t.target for uid, t in stored.items() if t.pinned}
        values = split(
            own.target,
            [Weighted(k.id, k.electors or 0, None) for k in kids],
            electors_weight=season.electors_weight,
            pins=pins,
        )
        rows = [
            UnitTarget(
                k,
                values[k.id],
                k.id in pins,
                stored[k.id].reason if k.id in stored else "",
            )
            for k in kids
        ]
    else:
        rows = [
            UnitTarget(k, stored[k.id].target, stored[k.id].pinned, stored[k.id].reason)
            for k in kids
            if k.id in stored
        ]
    return UnitTarget(unit, own.target, own.pinned, own.reason), rows


def season_events(*, user: User, season: Season) -> QuerySet[Event]:
    """The season's events hosted in the user's subtree or above the user's unit."""
    return events_visible(user=user).filter(season=season)


# --- registrations and tickets ------------------------------------------------------------------


@dataclass(frozen=True)
class MyEvent:
    event: Event
    registration: Registration | None


def my_events(*, user: User, now: dt.datetime) -> list[MyEvent]:
    """Upcoming events the user may attend (hosted at or above their unit), with their own
    registration if they have one."""
    root = scope_root(user=user)
    events = list(
        Event.objects.filter(unit_id__in=_above_ids(root), ends_at__gte=now)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("unit")
        .order_by("starts_at", "id")[:50]
    )
    mine: dict[int, Registration] = {}
    if user.person_id is not None:
        mine = {
            r.event_id: r
            for r in Registration.objects.filter(
                person_id=user.person_id, event__in=events
            ).select_related("ticket")
        }
    return [MyEvent(e, mine.get(e.id)) for e in events]


def my_registration(*, user: User, event_id: int) -> Registration | None:
    """The user's own registration for a visible event (404 if the event is not visible to
    them), or None when they have not registered."""
    event = access_event(user=user, event_id=event_id)
    if user.person_id is None:
        return None
    return (
        Registration.objects.select_related("ticket", "event", "event__unit", "person")
        .filter(event=event, person_id=user.person_id)
        .first()
    )


def registration_by_token(*, token: str) -> Registration | None:
    """The registration a signed ticket names (the public ticket page), else None."""
    read = tickets.read(token)
    if read is None:
        return None
    event_id, code = read
    if event_id is None:
        return None
    return (
        Registration.objects.select_related("ticket", "event", "event__unit", "person")
        .filter(ticket__code=code, event_id=event_id)
        .first()
    )


def event_by_slug(*, slug: str) -> Event:
    """An open event by its public slug (the walk-in page), else 404."""
    return get_object_or_404(
        Event.objects.select_related("unit").exclude(
            status__in=[EventStatus.CANCELLED, EventStatus.CLOSED]
        ),
        public_slug=slug,
    )


def registrations_visible(*, user: User, event: Event) -> QuerySet[Registration]:
    """An event's registrations counting in the user's subtree."""
    return Registration.objects.filter(scope_q(user=user, field="unit"), event=event)


# --- gates --------------------------------------------------------------------------------------


def access_gate(*, user: User, gate_id: int) -> Gate:
    """A gate of an event hosted in the user's subtree, else 404 (403 without RUN_EVENTS)."""
    gate = get_object_or_404(
        Gate.objects.select_related("event", "event__unit").filter(
            scope_q(user=user, field="event__unit")
        ),
        id=gate_id,
    )
    if not user.can(Capability.RUN_EVENTS):
        raise PermissionDenied(_("Your role may not run events."))
    return gate


def access_managed_event(*, user: User, event_id: int) -> Event:
    """An event hosted in the user's subtree (its gates and registrations are theirs).

    An event the user cannot see is a 404 like everywhere; one they can see because it is hosted
    above their unit (the state convention, for a district) exists for them, so managing it is a
    403, not a 404. Managing needs RUN_EVENTS (a 403 too)."""
    event = access_event(user=user, event_id=event_id)
    if not Event.objects.filter(scope_q(user=user, field="unit"), id=event.id).exists():
        raise PermissionDenied
    if not user.can(Capability.RUN_EVENTS):
        raise PermissionDenied(_("Your role may not run events."))
    return event


@dataclass(frozen=True)
class CachedTicket:
    id: int
    code: str
    name: str
    status: str


def gate_tickets(*, gate: Gate, after: int, limit: int) -> list[CachedTicket]:
    """The event's tickets after ticket id `after`, for the gate's offline cache."""
    rows = (
        Ticket.objects.filter(event_id=gate.event_id, id__gt=after)
        .order_by("id")
        .values_list("id", "code", "registration__person__name", "registration__status")[:limit]
    )
    return [CachedTicket(*row) for row in rows]


def event_gates(*, event: Event) -> QuerySet[Gate]:
    return Gate.objects.filter(event=event).order_by("id")


# --- attendance against target ------------------------------------------------------------------

CHILD_FIELD: dict[str, str] = {
    Level.DISTRICT: "district_id",
    Level.PC: "pc_id",
    Level.AC: "ac_id",
    Level.MANDAL: "mandal_id",
    Level.SECTOR: "sector_id",
}


@dataclass(frozen=True)
class AttendanceRow:
    unit_id: int | None
    name: str
    target: int
    registered: int
    attended: int

    @property
    def no_show(self) -> int:
        return max(0, self.registered - self.attended)


def _tally(qs: QuerySet[Registration], key: str) -> dict[Any, tuple[int, int]]:
    rows = (
        qs.exclude(status=RegistrationStatus.CANCELLED)
        .values(key)
        .annotate(n=Count("id"), came=Count("attendance"))
        .order_by()
    )
    return {r[key]: (r["n"], r["came"]) for r in rows}


def attendance_by_unit(
    *, user: User, event: Event, unit_id: int | None = None
) -> tuple[Unit, list[AttendanceRow]]:
    """Registered, attended and no-show against target for each unit one level below `unit_id`
    (default: the event's host, or the user's own unit inside it), live from the rows."""
    root = scope_root(user=user)
    start = event.unit if contains(root, event.unit) else root
    unit = access_unit(user=user, unit_id=unit_id) if unit_id is not None else start
    if not (contains(event.unit, unit) or contains(unit, event.unit)):
        raise Http404("unit outside the event")
    season = event.season
    kids = (
        list(_children(season, unit).order_by("number", "path"))
        if season
        else list(Unit.objects.filter(parent=unit).order_by("number", "path"))
    )
    targets: dict[int, int] = {}
    if season is not None and kids:
        if kids[0].level == Level.BOOTH:
            _own, rows = child_targets(user=user, season=season, unit_id=unit.id)
            targets = {r.unit.id: r.target for r in rows}
        else:
            targets = dict(
                Target.objects.filter(season=season, unit__in=kids).values_list("unit_id", "target")
            )
    regs = Registration.objects.filter(event=event).filter(subtree_q(unit, field="unit"))
    child_level = kids[0].level if kids else ""
    out: list[AttendanceRow] = []
    if child_level in CHILD_FIELD:
        field = CHILD_FIELD[child_level]
        below = _tally(regs, f"unit__{field}")
        own = _tally(regs.filter(unit__in=kids), "unit_id")
        for k in kids:
            n1, c1 = below.get(k.id, (0, 0))
            n2, c2 = own.get(k.id, (0, 0))
            out.append(AttendanceRow(k.id, k.display_name, targets.get(k.id, 0), n1 + n2, c1 + c2))
    elif kids:
        own = _tally(regs, "unit_id")
        for k in kids:
            n, c = own.get(k.id, (0, 0))
            out.append(AttendanceRow(None, k.display_name, targets.get(k.id, 0), n, c))
    return unit, out


@dataclass(frozen=True)
class PositionRow:
    code: str
    name: str
    registered: int
    attended: int

    @property
    def no_show(self) -> int:
        return max(0, self.registered - self.attended)


def attendance_by_position(
    *, user: User, event: Event, unit: Unit | None = None
) -> list[PositionRow]:
    """Registered, attended and no-show by position inside the user's subtree (and under
    `unit`, the unit the attendance table is drilled down to), in catalogue order."""
    regs = registrations_visible(user=user, event=event)
    if unit is not None:
        regs = regs.filter(subtree_q(unit, field="unit"))
    tally = _tally(regs, "position")
    kinds = people_selectors.position_kinds()
    order = {k.code: i for i, k in enumerate(kinds)}
    names = {k.code: k.name_hi if get_language() == "hi" else k.name_en for k in kinds}
    rows = [
        PositionRow(p or "", names.get(p or "", p or _("No position")), n, c)
        for p, (n, c) in tally.items()
    ]
    return sorted(rows, key=lambda r: (order.get(r.code, len(order)), r.code))


@dataclass(frozen=True)
class NoShow:
    registration_id: int
    person_id: int
    name: str
    phone: str
    unit_path: str
    position: str


def no_shows(*, event_id: int, unit_ids: list[int] | None = None) -> list[NoShow]:
    """Confirmed registrations of an event with no attendance (for follow-up calls).

    The calls app passes the unit ids its user may reach (`unit_ids`, e.g. the user's subtree);
    None means the whole event. The event should be over before this means 'did not come'.
    """
    qs = Registration.objects.filter(
        event_id=event_id, status=RegistrationStatus.CONFIRMED, attendance__isnull=True
    )
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    rows = qs.order_by("unit__path", "id").values_list(
        "id", "person_id", "person__name", "person__phone", "unit__path", "position"
    )
    return [NoShow(*(r[:4]), r[4] or "", r[5]) for r in rows]


def no_shows_visible(*, user: User, event: Event) -> list[NoShow]:
    """No-shows of an event inside the user's subtree."""
    ids = list(
        registrations_visible(user=user, event=event)
        .filter(status=RegistrationStatus.CONFIRMED, attendance__isnull=True)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return no_shows(event_id=event.id, unit_ids=ids)


# --- read by results (morning brief, strength score) --------------------------------------------


@dataclass(frozen=True)
class EventAhead:
    id: int
    title: str
    kind: str
    unit_name: str
    unit_name_hi: str
    starts_at: dt.datetime
    registered: int
    target: int


def events_ahead(*, user: User, now: dt.datetime, days: int = 7) -> list[EventAhead]:
    """Events the user may see starting in the next `days` days (not cancelled), with the
    registrations counting in the user's subtree against the target of the deeper of the
    event's host and the user's unit (the district's share of a state convention): three
    queries however many events."""
    root = scope_root(user=user)
    events = list(
        events_visible(user=user)
        .filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=days))
        .exclude(status=EventStatus.CANCELLED)
        .annotate(
            registered=Count(
                "registrations",
                filter=scope_q(user=user, field="registrations__unit")
                & ~Q(registrations__status=RegistrationStatus.CANCELLED),
            )
        )[:50]
    )
    counted = {e.id: e.unit if contains(root, e.unit) else root for e in events}
    wanted = Q(pk__in=[])
    for e in events:
        if e.season_id is not None:
            wanted |= Q(season_id=e.season_id, unit_id=counted[e.id].id)
    targets: dict[tuple[int | None, int], int] = (
        {(t.season_id, t.unit_id): t.target for t in Target.objects.filter(wanted)}
        if any(e.season_id for e in events)
        else {}
    )
    return [
        EventAhead(
            id=e.id,
            title=e.title,
            kind=e.kind,
            unit_name=e.unit.display_name,
            unit_name_hi=e.unit.name_hi,
            starts_at=e.starts_at,
            registered=int(e.registered),
            target=targets.get((e.season_id, counted[e.id].id), 0) or e.capacity,
        )
        for e in events
    ]


def attended_by_booth(*, unit: Unit, since: dt.datetime) -> dict[int, int]:
    """Check-ins since `since` of people registered from a booth in the unit's subtree, per
    booth: one GROUP BY (results' strength score)."""
    rows = (
        Attendance.objects.filter(scanned_at__gte=since, registration__unit__level=Level.BOOTH)
        .filter(subtree_q(unit, field="registration__unit"))
        .order_by()
        .values_list("registration__unit_id")
        .annotate(n=Count("id"))
    )
    return {int(booth_id): int(n) for booth_id, n in rows}
