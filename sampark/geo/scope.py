"""Subtree filters. Scope is the spine of security: every scoped query is built from these.

A unit's subtree is the unit itself plus every unit whose denormalised ancestor column for the
unit's level points at it (`district_id = 47`), which is exact and index-friendly on both
databases. For a PC the subtree is its ACs and everything below them.
"""

from __future__ import annotations

from django.db.models import Q

from sampark.geo.enums import Level
from sampark.geo.models import Unit

ANCESTOR_FIELD: dict[str, str] = {
    Level.STATE: "state",
    Level.DISTRICT: "district",
    Level.PC: "pc",
    Level.AC: "ac",
    Level.MANDAL: "mandal",
    Level.SECTOR: "sector",
}


def subtree_q(unit: Unit, *, field: str = "") -> Q:
    """Q matching `unit` and all its descendants; `field` names the FK to Unit when filtering
    another model (e.g. `field="unit"` on Assignment)."""
    prefix = f"{field}__" if field else ""
    own = Q(**{f"{field}_id": unit.id}) if field else Q(id=unit.id)
    ancestor = ANCESTOR_FIELD.get(unit.level)
    if ancestor is None:
        return own
    return own | Q(**{f"{prefix}{ancestor}_id": unit.id})


def contains(ancestor: Unit, unit: Unit) -> bool:
    """Whether `unit` lies in `ancestor`'s subtree (no query)."""
    if ancestor.id == unit.id:
        return True
    field = ANCESTOR_FIELD.get(ancestor.level)
    return field is not None and getattr(unit, f"{field}_id") == ancestor.id
