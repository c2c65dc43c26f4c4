"""Reads of the electoral tree. The unscoped ones are for services, imports and scoped wrappers;
anything a user asks for goes through the `visible_*` variants (sampark.accounts.selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.geo.enums import CHILD_LEVEL, Level
from sampark.geo.models import Unit


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
