"""Writes to the electoral tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sampark.geo.enums import CODE_PREFIX, Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD


def unit_code(level: str, number: int) -> str:
    """Path segment for a unit: D47, AC173, M03, S12, B145, PC01."""
    width = 2 if level in (Level.MANDAL, Level.SECTOR, Level.PC) else 1
    return f"{CODE_PREFIX[level]}{number:0{width}d}"


def child_fields(
    *, parent: Unit | None, level: str, code: str, pc_id: int | None = None
) -> dict[str, Any]:
    """Path, depth, parent and denormalised ancestor ids for a new unit under `parent`.

    An AC passes its PC (`pc_id`); units below an AC inherit it.
    """
    fields: dict[str, Any] = {"level": level, "code": code}
    if parent is None:
        fields.update(path=code, depth=0, parent=None)
        return fields
    fields.update(path=f"{parent.path}/{code}", depth=parent.depth + 1, parent=parent)
    for ancestor in ANCESTOR_FIELD.values():
        fields[f"{ancestor}_id"] = getattr(parent, f"{ancestor}_id")
    own = ANCESTOR_FIELD.get(parent.level)
    if own is not None:
        fields[f"{own}_id"] = parent.id
    if pc_id is not None:
        fields["pc_id"] = pc_id
    if level == Level.PC:
        # A PC hangs off the state for addressing only; it is not under any district.
        fields["district_id"] = None
    return fields


def unit_create(
    *,
    parent: Unit | None,
    level: str,
    number: int,
    name: str,
    name_hi: str = "",
    code: str | None = None,
    pc: Unit | None = None,
    **extra: Any,
) -> Unit:
    """Create one unit below `parent` with its path and ancestors filled in."""
    with transaction.atomic():
        fields = child_fields(
            parent=parent,
            level=level,
            code=code or (unit_code(level, number) if level != Level.STATE else name),
            pc_id=pc.id if pc is not None else None,
        )
        return Unit.objects.create(number=number, name=name, name_hi=name_hi, **fields, **extra)
