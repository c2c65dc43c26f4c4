"""Writes to the electoral tree."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.core import audit
from sampark.geo import hindi
from sampark.geo.enums import CODE_PREFIX, Level, NameSource
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.geo.scope import ANCESTOR_FIELD, subtree_q

NAME_HI_MAX = 200


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


# --- names in Hindi (issue #16 item 5; docs/geo-import.md "Names in Hindi") ---

# Levels that get a Hindi name by rule when the data has none; mandals and sectors are named
# in both languages by the importer, booths keep the polling station's name.
NAMED_LEVELS = (Level.DISTRICT, Level.PC, Level.AC)
_GUESSED = (NameSource.DERIVED, NameSource.TRANSLITERATED)


def unit_names_hi_fill(*, root: Unit, redo: bool = False) -> dict[str, int]:
    """Give districts, PCs and ACs under `root` a Hindi name where they have none, from the
    public and corrected names (word by word) or by rule, marking how each was made.

    Public and corrected names are never touched; guessed ones are made again (a correction
    may have taught the lexicon a word). `redo` also replaces names of unknown origin.
    Returns how many names were set, by source.
    """
    units = Unit.objects.filter(subtree_q(root), level__in=NAMED_LEVELS)
    with transaction.atomic():
        # A PC's name_hi comes from the public boundary file (pc_name_hi).
        units.filter(level=Level.PC, name_hi_source="").exclude(name_hi="").update(
            name_hi_source=NameSource.PUBLIC
        )
        checked = units.filter(name_hi_source__in=(NameSource.PUBLIC, NameSource.CORRECTED))
        lexicon = hindi.lexicon_from(checked.order_by("level", "id").values_list("name", "name_hi"))
        todo = units.exclude(name_hi_source__in=(NameSource.PUBLIC, NameSource.CORRECTED))
        if not redo:
            todo = todo.filter(Q(name_hi="") | Q(name_hi_source__in=_GUESSED))
        changed: list[Unit] = []
        counts: dict[str, int] = {}
        for unit in todo.only("id", "name", "name_hi", "name_hi_source"):
            name_hi, source = hindi.hindi_name(unit.name, lexicon=lexicon)
            if not name_hi:
                continue
            counts[source] = counts.get(source, 0) + 1
            if (unit.name_hi, unit.name_hi_source) != (name_hi, source):
                unit.name_hi, unit.name_hi_source = name_hi, source
                changed.append(unit)
        Unit.objects.bulk_update(changed, ["name_hi", "name_hi_source"], batch_size=500)
        audit.record(
            verb="geo.names_hi_filled",
            object_type="unit",
            object_id=root.id,
            actor=None,
            unit_path=root.path,
            data={"changed": len(changed), **counts},
        )
    return counts


def clean_name_hi(raw: str) -> str:
    """An in-charge's Hindi name: NFC, single spaces, Devanagari required, at most 200."""
    text = unicodedata.normalize("NFC", " ".join((raw or "").split()))
    if not text:
        raise ValidationError(_("Write the name in Hindi."), code="name_hi_empty")
    if len(text) > NAME_HI_MAX:
        raise ValidationError(
            _("The name is too long (at most %(n)d characters).") % {"n": NAME_HI_MAX},
            code="name_hi_long",
        )
    if not re.search(r"[\u0900-\u097f]", text) or re.search(r"[^\u0900-\u097f\s.()\-0-9]", text):
        raise ValidationError(
            _("Write the name in Devanagari (numbers, spaces, dots and brackets are fine)."),
            code="name_hi_script",
        )
    return text


def unit_name_hi_correct(*, unit_id: int, name_hi: str, actor: User) -> Unit:
    """An in-charge sets a unit's Hindi name; it is then CORRECTED and imports keep it."""
    text = clean_name_hi(name_hi)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(id=unit_id)
        require_in_area(actor, Capability.SET_TARGETS, unit)
        before = (unit.name_hi, unit.name_hi_source)
        unit.name_hi, unit.name_hi_source = text, NameSource.CORRECTED
        unit.save(update_fields=["name_hi", "name_hi_source"])
        audit.record(
            verb="geo.name_hi_corrected",
            object_type="unit",
            object_id=unit.id,
            actor=actor,
            unit_path=unit.path,
            data={"before": before[0], "before_source": before[1], "after": text},
        )
    return unit


# --- recruitment targets (issue #13 item 3) ---

TARGET_MAX = 10_000_000


def recruitment_target_set(
    *,
    unit_id: int,
    volunteers: int | None,
    due: dt.date | None,
    note: str,
    actor: User,
) -> RecruitmentTarget | None:
    """Set (or, with `volunteers=None`, clear) the unit's target of verified volunteers.

    The actor needs SET_TARGETS on a unit of their subtree; every change is audited.
    """
    if volunteers is not None and not 0 < volunteers <= TARGET_MAX:
        raise ValidationError(
            _("A target is a number of volunteers from 1 to 1,00,00,000."), code="target_range"
        )
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(id=unit_id)
        require_in_area(actor, Capability.SET_TARGETS, unit)
        before = RecruitmentTarget.objects.filter(unit=unit).values("volunteers", "due").first()
        target: RecruitmentTarget | None = None
        if volunteers is None:
            RecruitmentTarget.objects.filter(unit=unit).delete()
        else:
            target, _created = RecruitmentTarget.objects.update_or_create(
                unit=unit,
                defaults={"volunteers": volunteers, "due": due, "note": (note or "").strip()[:200]},
            )
        audit.record(
            verb="geo.target_set",
            object_type="unit",
            object_id=unit.id,
            actor=actor,
            unit_path=unit.path,
            data={
                "before": before["volunteers"] if before else None,
                "after": volunteers,
                "due": due.isoformat() if due else None,
            },
        )
    return target
