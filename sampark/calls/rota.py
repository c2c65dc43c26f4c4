"""Shifts and seats of the call-centre floor (issue #15): sites with a number of seats, shifts at
a site, agents rostered on a shift each on a seat, their sign-in and sign-out, and the
supervisor's view of who is on shift now against who is logged in on the console.

Why not the war room's roster (`warroom.Shift`): a war-room shift is one person's duty in a
unit's war room with a duty role and a hand-over note, made by those who approve responses,
and the war room's dashboard lists every shift in its subtree as "on duty". A call-centre
shift is a block of up to hundreds of seats at a site, with attendance; putting 2,000 agents
in the war room's table would fill its on-duty panel and gives seats and sign-in nowhere to
live. The two share only the idea of a time window, so calls keeps its own tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.calls import audit
from sampark.calls.enums import AgentState
from sampark.calls.models import AgentStatus, CallShift, RosterEntry, Site
from sampark.calls.permissions import AGENT_ROLES, require_agent, require_manager
from sampark.geo.models import Unit
from sampark.geo.scope import contains

EARLY = dt.timedelta(minutes=30)  # an agent may sign in this long before the shift starts
MAX_SEATS = 5000
MAX_SHIFT = dt.timedelta(hours=16)


def _in_area(actor: User, unit: Unit) -> None:
    require_manager(actor)
    if not contains(scope_root(user=actor), unit):
        raise PermissionDenied(_("That unit is outside your area."))


def site_create(*, actor: User, name: str, unit: Unit, seats: int) -> Site:
    """A call-centre site in the actor's area with its number of seats."""
    _in_area(actor, unit)
    if not name.strip() or not 1 <= seats <= MAX_SEATS:
        raise ValidationError(_("Give the site a name and between 1 and 5,000 seats."))
    with transaction.atomic():
        site = Site.objects.create(name=name.strip()[:200], unit=unit, seats=seats)
        audit.site_saved(site=site, actor=actor)
    return site


def shift_create(
    *, actor: User, site: Site, name: str, starts_at: dt.datetime, ends_at: dt.datetime
) -> CallShift:
    """A shift at a site (at most 16 hours)."""
    _in_area(actor, site.unit)
    if not starts_at < ends_at <= starts_at + MAX_SHIFT:
        raise ValidationError(_("A shift ends after it starts, within 16 hours."))
    with transaction.atomic():
        shift = CallShift.objects.create(
            site=site,
            name=name.strip()[:100] or _("Shift"),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        audit.shift_created(shift=shift, actor=actor)
    return shift


def _overlapping(shift: CallShift) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(
        shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at
    )


def _agent_ids(*, agents: list[User]) -> set[int]:
    """Which of these users work the console (one query, not one per agent)."""
    ids = [a.id for a in agents]
    staff = User.objects.filter(id__in=ids, unit__isnull=False).filter(
        Q(is_superuser=True) | Q(roles__role__in=AGENT_ROLES)
    )
    return set(staff.values_list("id", flat=True))


def roster_assign(
    *, actor: User, shift: CallShift, agents: Iterable[User], seat: int | None = None
) -> list[RosterEntry]:
    """Put agents on a shift, each on a free seat of the site (the given one, else the lowest
    free); an agent already on an overlapping shift anywhere, or outside the actor's area, is
    refused. All or none."""
    _in_area(actor, shift.site.unit)
    root = scope_root(user=actor)
    chosen = list(agents)
    with transaction.atomic():
        # Lock the site: two supervisors filling the same floor take seats one after the other.
        site = Site.objects.select_for_update().get(id=shift.site_id)
        overlapping = _overlapping(shift)
        taken = set(overlapping.filter(shift__site=site).values_list("seat", flat=True))
        busy = set(overlapping.values_list("agent_id", flat=True))
        free = (s for s in range(1, site.seats + 1) if s not in taken)
        staff = _agent_ids(agents=chosen)
        entries = []
        for agent in chosen:
            if agent.unit is None or not contains(root, agent.unit) or agent.id not in staff:
                raise ValidationError(_("%(u)s is not an agent in your area.") % {"u": agent})
            if agent.id in busy:
                raise ValidationError(_("%(u)s is already on a shift then.") % {"u": agent})
            place = seat if seat is not None and len(chosen) == 1 else next(free, None)
            if place is None or not 1 <= place <= site.seats or place in taken:
                raise ValidationError(_("No free seat left at this site for that shift."))
            taken.add(place)
            busy.add(agent.id)
            entries.append(RosterEntry(shift=shift, agent=agent, seat=place))
        RosterEntry.objects.bulk_create(entries)
        audit.rostered(shift=shift, entries=entries, actor=actor)
    return entries


def _current(agent: User, now: dt.datetime) -> RosterEntry | None:
    return (
        RosterEntry.objects.filter(
            agent=agent, shift__starts_at__lte=now + EARLY, shift__ends_at__gt=now
        )
        .select_related("shift__site")
        .order_by("shift__starts_at")
        .first()
    )


def sign_in(*, agent: User, now: dt.datetime | None = None) -> RosterEntry:
    """Record the agent's arrival for their shift now (the first sign-in counts)."""
    require_agent(agent)
    now = now or timezone.now()
    entry = _current(agent, now)
    if entry is None:
        raise ValidationError(_("You are not on a shift now."))
    RosterEntry.objects.filter(id=entry.id, signed_in_at__isnull=True).update(signed_in_at=now)
    entry.refresh_from_db()
    return entry


def sign_out(*, agent: User, now: dt.datetime | None = None) -> RosterEntry:
    """Record the agent's leaving; they go offline on the console too."""
    require_agent(agent)
    now = now or timezone.now()
    entry = (
        RosterEntry.objects.filter(agent=agent, signed_in_at__isnull=False, signed_out_at=None)
        .order_by("-signed_in_at")
        .first()
    )
    if entry is None:
        raise ValidationError(_("You have not signed in."))
    with transaction.atomic():
        RosterEntry.objects.filter(id=entry.id).update(signed_out_at=now)
        AgentStatus.objects.filter(agent=agent).update(
            state=AgentState.OFFLINE, inbound=False, since=now
        )
    entry.refresh_from_db()
    return entry


# --- reads -------------------------------------------------------------------------------------


def sites_visible(*, user: User) -> QuerySet[Site]:
    return Site.objects.filter(scope_q(user=user, field="unit")).select_related("unit")


def access_site(*, user: User, site_id: int) -> Site:
    """A site in the user's subtree, else 404 (then 403 for someone who is not a supervisor)."""
    site = get_object_or_404(sites_visible(user=user), id=site_id)
    require_manager(user)
    return site


def shifts_visible(*, user: User) -> QuerySet[CallShift]:
    return CallShift.objects.filter(scope_q(user=user, field="site__unit")).select_related(
        "site__unit"
    )


def access_shift(*, user: User, shift_id: int) -> CallShift:
    """A shift at a site in the user's subtree, else 404 (then 403 for a non-supervisor)."""
    shift = get_object_or_404(shifts_visible(user=user), id=shift_id)
    require_manager(user)
    return shift


@dataclass(frozen=True)
class FloorRow:
    username: str
    site: str
    seat: int | None
    shift: str
    signed_in: bool
    console: str  # the agent's console state (AgentState value)

    @property
    def console_label(self) -> str:
        return str(AgentState(self.console).label)

    @property
    def absent(self) -> bool:
        """On shift now but not on the console."""
        return bool(self.shift) and self.console == AgentState.OFFLINE

    @property
    def off_roster(self) -> bool:
        """On the console but on no shift now."""
        return not self.shift and self.console != AgentState.OFFLINE


def floor_now(*, user: User, now: dt.datetime, limit: int = MAX_SEATS) -> list[FloorRow]:
    """Who is on shift now at the sites in the user's subtree against who is logged in on the
    console (agents of the subtree): the absent and the off-roster first. Three queries."""
    on_shift = RosterEntry.objects.filter(shift__starts_at__lte=now, shift__ends_at__gt=now)
    entries = list(
        on_shift.filter(scope_q(user=user, field="shift__site__unit"))
        .select_related("agent", "shift__site")
        .order_by("shift__site__name", "seat")[:limit]
    )
    states = dict(
        AgentStatus.objects.filter(scope_q(user=user, field="agent__unit")).values_list(
            "agent_id", "state"
        )
    )
    rows = [
        FloorRow(
            username=e.agent.username,
            site=e.shift.site.name,
            seat=e.seat,
            shift=e.shift.name,
            signed_in=e.signed_in_at is not None and e.signed_out_at is None,
            console=states.get(e.agent_id, AgentState.OFFLINE),
        )
        for e in entries
    ]
    # On the console with no shift now anywhere (a shift at a site outside this subtree counts).
    logged = (
        AgentStatus.objects.filter(scope_q(user=user, field="agent__unit"))
        .exclude(state=AgentState.OFFLINE)
        .exclude(agent_id__in=on_shift.values("agent_id"))
        .select_related("agent")
        .order_by("agent__username")[:limit]
    )
    rows += [FloorRow(s.agent.username, "", None, "", False, s.state) for s in logged]
    return sorted(rows, key=lambda r: (not (r.absent or r.off_roster), r.site, r.seat or 0))


def agents_named(*, user: User, usernames: Iterable[str]) -> list[User]:
    """The users of these names inside the user's subtree (others are simply not found)."""
    names = {n.strip() for n in usernames if n.strip()}
    return list(
        User.objects.filter(scope_q(user=user, field="unit"), username__in=names)
        .select_related("unit")
        .order_by("username")
    )


def shifts_now(*, user: User, now: dt.datetime, days: int = 2) -> list[CallShift]:
    """Shifts at the user's sites from now on for `days` days (and those running), with their
    rostered count."""
    from django.db.models import Count

    return list(
        shifts_visible(user=user)
        .filter(ends_at__gt=now, starts_at__lt=now + dt.timedelta(days=days))
        .annotate(rostered=Count("roster"))
        .order_by("starts_at", "site__name")[:100]
    )


def my_shift(*, agent: User, now: dt.datetime) -> RosterEntry | None:
    """The agent's shift now (or starting within half an hour)."""
    return _current(agent, now)


def site_units(*, user: User) -> QuerySet[Unit]:
    """Units a site may be placed in from the floor page: the user's own and those just below."""
    root = scope_root(user=user)
    return Unit.objects.filter(Q(id=root.id) | Q(parent_id=root.id)).order_by("path")[:300]
