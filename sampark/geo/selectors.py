"""Reads of the electoral tree. The unscoped ones are for services, imports and scoped wrappers;
anything a user asks for goes through the `visible_*` variants (sampark.accounts.selectors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.expressions import CombinedExpression

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.core.db import opaque
from sampark.geo.enums import CHILD_LEVEL, Level, NameSource
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.geo.scope import ANCESTOR_FIELD, contains, subtree_q


def children(*, unit: Unit) -> QuerySet[Unit]:
    """The units one level down, by number: a state's districts, a district's ACs, a PC's ACs,
    an AC's mandals ... a sector's booths (none for a booth)."""
    level = CHILD_LEVEL.get(unit.level)
    if level is None:
        return Unit.objects.none()
    if unit.level == Level.PC:
        # A PC groups ACs through Unit.pc; they are not its path children.
        found = Unit.objects.filter(level=level, pc_id=unit.id)
    else:
        found = Unit.objects.filter(level=level, parent_id=unit.id)
    return found.order_by("number", "path")


def path_prefixes(path: str) -> list[str]:
    """'UP/D47/AC173' -> ['UP', 'UP/D47', 'UP/D47/AC173']."""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def ancestors(*, unit: Unit, include_self: bool = False) -> list[Unit]:
    """The units above `unit` on its path, state first (breadcrumbs), in one query."""
    prefixes = path_prefixes(unit.path)
    if not include_self:
        prefixes = prefixes[:-1]
    if not prefixes:
        return []
    return list(Unit.objects.filter(path__in=prefixes).order_by("depth"))


def unit_by_path(*, path: str) -> Unit | None:
    """The unit at a materialised path (`UP/D47/AC173`), or None."""
    return Unit.objects.filter(path=path.strip().strip("/")).first()


def visible_children(*, user: User, unit_id: int) -> QuerySet[Unit]:
    """Children of a unit the user may see (404 outside their subtree), limited to their scope."""
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    return children(unit=unit).filter(account_selectors.scope_q(user=user))


def visible_ancestors(*, user: User, unit: Unit, include_self: bool = False) -> list[Unit]:
    """Breadcrumbs cut at the top of the user's subtree (a district in-charge starts at the
    district, not the state)."""
    prefixes = path_prefixes(unit.path)
    if not include_self:
        prefixes = prefixes[:-1]
    if not prefixes:
        return []
    visible = account_selectors.visible_units(user=user)
    return list(visible.filter(path__in=prefixes).order_by("depth"))


def visible_unit_by_path(*, user: User, path: str) -> Unit:
    """The unit at `path` if it lies in the user's subtree, else 404."""
    return account_selectors.access_unit_by_path(user=user, path=path.strip().strip("/"))


def tree_exists() -> bool:
    """Whether any unit has been imported (a fresh database has none)."""
    return Unit.objects.exists()


def breadcrumbs(*, user: User, unit: Unit) -> list[Unit]:
    """The unit's ancestors inside the user's subtree, top first (nothing above the scope root).

    A user scoped to a PC sees their PC first: it is not on an AC's path.
    """
    root = account_selectors.scope_root(user=user)
    crumbs = [a for a in ancestors(unit=unit) if contains(root, a)]
    if unit.id != root.id and (not crumbs or crumbs[0].id != root.id):
        crumbs.insert(0, root)
    return crumbs


# --- booth rows under a unit (the roll-ups of analytics and groups) -------------------------

UNIT_FIELDS = ("id", "level", "path", "name", "name_hi", "number")


def booths_under(*, unit: Unit) -> QuerySet[Unit]:
    """The booth rows of a unit's subtree (the booth itself for a booth)."""
    if unit.level == Level.BOOTH:
        return Unit.objects.filter(id=unit.id)
    return Unit.objects.filter(level=Level.BOOTH, **{f"{ANCESTOR_FIELD[unit.level]}_id": unit.id})


def units_at(*, unit: Unit, level: str) -> QuerySet[Unit]:
    """Units of `level` in `unit`'s subtree, by number (children use the parent index)."""
    if CHILD_LEVEL.get(unit.level) == level:
        return children(unit=unit)
    if unit.level == Level.BOOTH or unit.level not in ANCESTOR_FIELD:
        return Unit.objects.none()
    column = f"{ANCESTOR_FIELD[unit.level]}_id"
    found = Unit.objects.filter(level=level)
    if unit.level == Level.STATE:
        # There is no (level, state) index and state_id matches every unit: go by level.
        found = found.alias(ancestor=opaque(column)).filter(ancestor=unit.id)
    else:
        found = found.filter(**{column: unit.id})
    return found.order_by("number", "path")


def group_key(*, unit: Unit, column: str) -> F | ExpressionWrapper[CombinedExpression]:
    """The GROUP BY key over `unit`'s booth rows: under a state every booth is read anyway, and
    reading them in group order is cheapest; below, the filter's index must win (`opaque`)."""
    return F(column) if unit.level == Level.STATE else opaque(column)


@dataclass
class BoothCount:
    """A unit and the number of booths in its subtree, with its children's."""

    id: int
    level: str
    path: str
    name: str
    name_hi: str = ""
    number: int | None = None
    booths: int = 0
    children: list[BoothCount] = field(default_factory=list)


def booth_counts(*, unit: Unit) -> BoothCount:
    """The unit's booths and each child's (CHILD_LEVEL): at most two queries whatever the size of
    the subtree. Booths whose child column is unset still count in the unit's total."""
    total = BoothCount(**{f: getattr(unit, f) for f in UNIT_FIELDS})
    if unit.level == Level.BOOTH:
        total.booths = 1
        return total
    level = CHILD_LEVEL[unit.level]
    if level == Level.BOOTH:
        rows = booths_under(unit=unit).order_by("number", "path").values(*UNIT_FIELDS)
        total.children = [BoothCount(**row, booths=1) for row in rows]
        total.booths = len(total.children)
        return total
    column = f"{ANCESTOR_FIELD[level]}_id"
    counts = dict(
        booths_under(unit=unit)
        .order_by()
        .annotate(key=group_key(unit=unit, column=column))
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    total.booths = sum(counts.values())
    for row in units_at(unit=unit, level=level).values(*UNIT_FIELDS):
        total.children.append(BoothCount(**row, booths=counts.get(row["id"], 0)))
    return total


# --- names in Hindi: the correction page ---

NAME_LEVELS = (Level.DISTRICT, Level.PC, Level.AC)


def unit_names_visible(
    *, user: User, level: str = "", unchecked: bool = False, q: str = ""
) -> QuerySet[Unit]:
    """Districts, PCs and ACs in the user's area with their Hindi names, for checking;
    `unchecked` keeps the made ones (derived or transliterated, or none at all)."""
    found = Unit.objects.filter(account_selectors.scope_q(user=user), level__in=NAME_LEVELS)
    if level in NAME_LEVELS:
        found = found.filter(level=level)
    if unchecked:
        found = found.exclude(name_hi_source__in=(NameSource.PUBLIC, NameSource.CORRECTED))
    text = " ".join(q.split())[:100]
    if text:
        found = found.filter(Q(name__icontains=text) | Q(name_hi__icontains=text))
    return found.only(
        "id", "level", "number", "path", "name", "name_hi", "name_hi_source"
    ).order_by("level", "number", "path")


def recruitment_targets(*, unit_ids: Iterable[int]) -> dict[int, RecruitmentTarget]:
    """The targets set on these units, by unit id (the caller has scoped the units)."""
    return {t.unit_id: t for t in RecruitmentTarget.objects.filter(unit_id__in=list(unit_ids))}


def verified_by_child(*, unit: Unit, child_level: str) -> dict[int, int]:
    """Verified booth volunteers (the D3 counter) per unit of `child_level` under `unit`,
    in one GROUP BY over the booth rows."""
    field = ANCESTOR_FIELD.get(child_level)
    if field is None:
        return {}
    rows = (
        Unit.objects.filter(subtree_q(unit), level=Level.BOOTH)
        .values(f"{field}_id")
        .annotate(n=Sum("volunteers"))
    )
    return {r[f"{field}_id"]: int(r["n"] or 0) for r in rows}


def verified_in(*, unit: Unit) -> int:
    """Verified booth volunteers in the unit's subtree."""
    total = Unit.objects.filter(subtree_q(unit), level=Level.BOOTH).aggregate(n=Sum("volunteers"))
    return int(total["n"] or 0)
