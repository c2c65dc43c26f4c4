"""Scoped reads of the booth group registry, and its roll-ups up the tree.

Scope: a group is visible inside the subtree of the user's unit. A user without MANAGE_GROUPS
(a booth volunteer) sees, inside that subtree, only the groups they admin and the groups of
their own booth. Roll-ups follow analytics' shape: one GROUP BY over booth-level rows per figure,
whatever the size of the subtree, never a query per child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.core.numbers import percent
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import CHILD_LEVEL, Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD, subtree_q
from sampark.groups.enums import GROWTH_DAYS, STALE_DAYS
from sampark.groups.models import Group, GroupJoin, MemberCountReport
from sampark.people import selectors as people_selectors

if TYPE_CHECKING:
    from sampark.people.models import Person

QUIET_SHOWN = 25


def _admin_of(person_id: int | None) -> Q:
    if person_id is None:
        return Q(pk__in=[])
    return Q(id__in=Group.admins.through.objects.filter(person_id=person_id).values("group_id"))


def groups_visible(*, user: User) -> QuerySet[Group]:
    """Groups (archived ones included) whose booth lies in the user's subtree; for users
    without MANAGE_GROUPS only those they admin or of their own booth."""
    qs = Group.objects.filter(scope_q(user=user, field="booth"))
    if not user.can(Capability.MANAGE_GROUPS):
        qs = qs.filter(_admin_of(user.person_id) | Q(booth_id=user.unit_id))
    return qs


def access_group(*, user: User, group_id: int) -> Group:
    """The group if the user may see it, else 404."""
    return get_object_or_404(
        groups_visible(user=user).select_related("booth", "created_by", "export_source"),
        id=group_id,
    )


def group_for_token(*, token: str, include_archived: bool = False) -> Group:
    """The group behind a public /join/<token>/ link, else 404 (a rotated token; an archived
    group unless asked for: one may still leave an archived group)."""
    qs = Group.objects.select_related("booth")
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return get_object_or_404(qs, join_token=token)


def my_groups(*, user: User) -> QuerySet[Group]:
    """The live groups the user is an admin of (inside their subtree), by booth."""
    return (
        groups_visible(user=user)
        .filter(_admin_of(user.person_id), archived_at=None)
        .select_related("booth")
        .order_by("booth__number", "booth__path", "name", "id")
    )


def groups_admined_by(*, person_id: int) -> QuerySet[Group]:
    """The live groups a person runs (reach estimates, the volunteer app), unscoped."""
    return Group.objects.filter(_admin_of(person_id), archived_at=None)


def groups_under(*, unit: Unit, include_archived: bool = False) -> QuerySet[Group]:
    """Groups of the booths in a unit's subtree (the caller has scoped the unit)."""
    qs = Group.objects.filter(subtree_q(unit, field="booth"))
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return qs.select_related("booth").order_by("booth__number", "booth__path", "name", "id")


def quiet_groups(*, unit: Unit, now: dt.datetime | None = None) -> list[Group]:
    """Live groups under the unit with no attested activity for STALE_DAYS, quietest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=STALE_DAYS)
    return list(
        groups_under(unit=unit)
        .filter(Q(last_activity_at=None) | Q(last_activity_at__lt=cutoff))
        .order_by("last_activity_at", "id")[:QUIET_SHOWN]
    )


def admins_of(*, group: Group) -> list[Person]:
    return list(group.admins.order_by("name", "id"))


def admin_candidates(*, group: Group | None = None, booth: Unit) -> list[Person]:
    """Persons holding an active position on the booth or living on it, and the group's
    current admins."""
    admins = None
    if group is not None:
        admins = Group.admins.through.objects.filter(group_id=group.id).values("person_id")
    return people_selectors.booth_people(booth=booth, also=admins)


def count_history(*, group: Group, limit: int = 20) -> list[MemberCountReport]:
    """The group's latest member count reports, newest first."""
    return list(
        MemberCountReport.objects.filter(group=group)
        .select_related("reported_by")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class JoinSummary:
    active: int
    recent: int
    left: int


def join_summary(*, group: Group, now: dt.datetime | None = None) -> JoinSummary:
    """How many joined through the invite page: still in, joined lately, left. One query."""
    since = (now or timezone.now()) - dt.timedelta(days=GROWTH_DAYS)
    row = GroupJoin.objects.filter(group=group).aggregate(
        active=Count("id", filter=Q(left_at=None)),
        recent=Count("id", filter=Q(joined_at__gte=since)),
        left=Count("id", filter=Q(left_at__isnull=False)),
    )
    return JoinSummary(active=row["active"], recent=row["recent"], left=row["left"])


# --- roll-ups ----------------------------------------------------------------------------------


@dataclass
class GroupRollup:
    """Group coverage of one unit's booths (and of its children's)."""

    id: int
    level: str
    path: str
    name: str
    name_hi: str = ""
    number: int | None = None
    booths: int = 0
    booths_with_group: int = 0
    groups: int = 0
    members: int = 0
    cap: int = 0
    quiet: int = 0
    joins_recent: int = 0
    children: list[GroupRollup] = field(default_factory=list)

    @property
    def pct_covered(self) -> float:
        return percent(self.booths_with_group, self.booths)

    @property
    def pct_filled(self) -> float:
        return percent(self.members, self.cap)

    @property
    def booths_without(self) -> int:
        return max(self.booths - self.booths_with_group, 0)

    def add(self, other: GroupRollup) -> None:
        self.booths_with_group += other.booths_with_group
        self.groups += other.groups
        self.members += other.members
        self.cap += other.cap
        self.quiet += other.quiet
        self.joins_recent += other.joins_recent


def _of(count: geo_selectors.BoothCount) -> GroupRollup:
    return GroupRollup(
        id=count.id,
        level=count.level,
        path=count.path,
        name=count.name,
        name_hi=count.name_hi,
        number=count.number,
        booths=count.booths,
    )


def _child_key(unit: Unit) -> str | None:
    """The booth column naming each booth's child of `unit` (None for a booth)."""
    level = CHILD_LEVEL.get(unit.level)
    if level is None:
        return None
    return "booth_id" if level == Level.BOOTH else f"booth__{ANCESTOR_FIELD[level]}_id"


def _tallies(*, unit: Unit, now: dt.datetime) -> dict[int | None, GroupRollup]:
    """Two aggregate queries over the unit's live groups and recent joins, per child."""
    key = _child_key(unit) or "booth_id"
    cutoff = now - dt.timedelta(days=STALE_DAYS)
    rows = (
        Group.objects.filter(subtree_q(unit, field="booth"), archived_at=None)
        .order_by()
        .values(key)
        .annotate(
            n=Count("id"),
            booths=Count("booth_id", distinct=True),
            members=Sum("member_count"),
            cap=Sum("cap"),
            quiet=Count("id", filter=Q(last_activity_at=None) | Q(last_activity_at__lt=cutoff)),
        )
    )
    out: dict[int | None, GroupRollup] = {}
    for row in rows:
        out[row[key]] = GroupRollup(
            id=row[key] or 0,
            level="",
            path="",
            name="",
            booths_with_group=row["booths"],
            groups=row["n"],
            members=row["members"] or 0,
            cap=row["cap"] or 0,
            quiet=row["quiet"],
        )
    joins = (
        GroupJoin.objects.filter(
            subtree_q(unit, field="group__booth"),
            group__archived_at=None,
            joined_at__gte=now - dt.timedelta(days=GROWTH_DAYS),
        )
        .order_by()
        .values(f"group__{key}")
        .annotate(n=Count("id"))
    )
    for row in joins:
        k = row[f"group__{key}"]
        out.setdefault(k, GroupRollup(id=k or 0, level="", path="", name="")).joins_recent = row[
            "n"
        ]
    return out


def rollup(*, unit: Unit, now: dt.datetime | None = None) -> GroupRollup:
    """The unit's group coverage with its children's (CHILD_LEVEL): four queries, whatever the
    size of the subtree (booth counts and names from geo, then groups and joins)."""
    now = now or timezone.now()
    counts = geo_selectors.booth_counts(unit=unit)
    total = _of(counts)
    tallies = _tallies(unit=unit, now=now)
    for tally in tallies.values():
        total.add(tally)
    for child_count in counts.children:
        child = _of(child_count)
        found = tallies.get(child.id)
        if found is not None:
            child.add(found)
        total.children.append(child)
    return total


@dataclass(frozen=True)
class WeekPoint:
    end: dt.datetime
    members: int


def growth_series(*, unit: Unit, weeks: int = 8, now: dt.datetime | None = None) -> list[WeekPoint]:
    """Members of the unit's live groups at the end of each of the last `weeks` weeks, oldest
    first, as last reported by then: one SUM of the reports' deltas, bucketed by week."""
    now = now or timezone.now()
    start = now - dt.timedelta(days=7 * weeks)
    bucket = Case(
        When(at__lt=start, then=Value(0)),
        *[
            When(at__lt=start + dt.timedelta(days=7 * k), then=Value(k))
            for k in range(1, weeks + 1)
        ],
        default=Value(weeks),
        output_field=IntegerField(),
    )
    sums = dict(
        MemberCountReport.objects.filter(
            subtree_q(unit, field="group__booth"), group__archived_at=None, at__lte=now
        )
        .order_by()
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(s=Sum("delta"))
        .values_list("bucket", "s")
    )
    running = int(sums.get(0) or 0)
    points = []
    for k in range(1, weeks + 1):
        running += int(sums.get(k) or 0)
        points.append(WeekPoint(end=start + dt.timedelta(days=7 * k), members=running))
    return points


def booth_tallies(*, unit: Unit, now: dt.datetime | None = None) -> dict[int, tuple[int, int]]:
    """(active groups, their members) per booth of the unit's subtree, one GROUP BY; a group is
    active when it was heard from within STALE_DAYS (results' strength score reads this)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=STALE_DAYS)
    rows = (
        Group.objects.filter(
            subtree_q(unit, field="booth"), archived_at=None, last_activity_at__gte=cutoff
        )
        .order_by()
        .values_list("booth_id")
        .annotate(n=Count("id"), members=Sum("member_count"))
    )
    return {booth_id: (n, members or 0) for booth_id, n, members in rows}
