"""What rows are checked against, loaded once per import: the position kinds and the units in
the import's scope, with caches for the few distinct values that repeat across lakhs of rows."""

from __future__ import annotations

from dataclasses import dataclass

from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.people.importer.cells import parse_consent, parse_gender, parse_languages
from sampark.people.importer.mapping import header_key
from sampark.people.models import PositionKind


class Catalogue:
    """Position kinds by code or name (English or Hindi), and cached cell parsers."""

    def __init__(self) -> None:
        self._kind_cache: dict[str, PositionKind | None] = {}
        self._gender_cache: dict[str, str | None] = {}
        self._languages_cache: dict[str, list[str]] = {}
        self._consent_cache: dict[str, str] = {}
        self.kinds: dict[str, PositionKind] = {}
        for kind in PositionKind.objects.all():
            for label in (kind.code, kind.name_en, kind.name_hi):
                self.kinds.setdefault(header_key(label), kind)

    def kind(self, text: str) -> PositionKind | None:
        if text not in self._kind_cache:
            self._kind_cache[text] = self.kinds.get(header_key(text))
        return self._kind_cache[text]

    def kind_by_id(self, kind_id: int) -> PositionKind | None:
        return next((k for k in self.kinds.values() if k.pk == kind_id), None)

    # Few distinct values repeat across lakhs of rows: parse each once.

    def gender(self, text: str) -> str | None:
        if text not in self._gender_cache:
            self._gender_cache[text] = parse_gender(text)
        return self._gender_cache[text]

    def languages(self, text: str) -> list[str]:
        codes = self._languages_cache.get(text)
        if codes is None:
            codes = parse_languages(text)
            if len(self._languages_cache) < 10_000:
                self._languages_cache[text] = codes
        return list(codes)

    def consent(self, text: str) -> str:
        if text not in self._consent_cache:
            self._consent_cache[text] = parse_consent(text)  # ValueError is not cached
        return self._consent_cache[text]


@dataclass
class Units:
    """The units in scope: by path (case-folded), their level, and booths by (AC, part)."""

    by_path: dict[str, tuple[int, str]]
    level: dict[int, str]
    booth_by_part: dict[tuple[int, int], int]


def load_units(scope: Unit) -> Units:
    """path -> (id, level) for every unit in scope; (ac no, part no) -> booth id."""
    units = Unit.objects.filter(subtree_q(scope)).exclude(level=Level.PC)
    by_path: dict[str, tuple[int, str]] = {}
    unit_level: dict[int, str] = {}
    ac_number: dict[int, int] = {}
    booths: list[tuple[int, int | None, int | None]] = []
    for uid, path, level, number, ac_id in units.values_list(
        "id", "path", "level", "number", "ac_id"
    ).iterator(chunk_size=10_000):
        by_path[path.casefold()] = (uid, level)
        unit_level[uid] = level
        if level == Level.AC and number is not None:
            ac_number[uid] = number
        elif level == Level.BOOTH:
            booths.append((uid, ac_id, number))
    if scope.level in (Level.MANDAL, Level.SECTOR, Level.BOOTH) and scope.ac_id:
        scope_ac: int | None = (
            Unit.objects.filter(id=scope.ac_id).values_list("number", flat=True).first()
        )
        if scope_ac is not None:
            ac_number[scope.ac_id] = scope_ac
    booth_by_part: dict[tuple[int, int], int] = {}
    for booth_id, booth_ac, part in booths:
        ac_no = ac_number.get(booth_ac) if booth_ac is not None else None
        if ac_no is not None and part is not None:
            booth_by_part[(ac_no, part)] = booth_id
    return Units(by_path=by_path, level=unit_level, booth_by_part=booth_by_part)
