"""Scoped reads of the events app.

A season is planned by the state and seen by everyone in it; its targets, an event's
registrations and attendance are seen only inside the viewer's subtree. An event is visible to
its host unit's subtree and to everyone whose unit lies below the host (a booth volunteer sees
their district's workshop and the state convention).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit, scope_q, scope_root
from sampark.events import tickets
from sampark.events.enums import HOST_LEVEL, EventKind, EventStatus
from sampark.events.models import Event, Registration, Season, Target
from sampark.events.targets import Weighted, split
from sampark.geo.enums import Level
from sampark.geo.models import Unit

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


def access_my_registration(*, user: User, event_id: int) -> Registration:
    """The user's own registration for a visible event, else 404."""
    event = access_event(user=user, event_id=event_id)
    return get_object_or_404(
        Registration.objects.select_related("ticket", "event", "event__unit", "person"),
        event=event,
        person_id=user.person_id,
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
