"""Validating one row on its own (no database): a clean `Row`, or the row's errors.

The rules are the single-person services' (`people.services`, `people.validation`): a phone is an
Indian mobile and appears once per file, a volunteer is 18 or older (minors are not imported at
all: children's data needs a guardian's consent that a sheet cannot carry), the booth lies in the
import's scope (a booth outside it is unknown, never "forbidden"), and a position's level is its
unit's level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_noop

from sampark.geo.enums import Level
from sampark.people import validation
from sampark.people.importer.cells import clean, fast_normalize_phone, parse_date
from sampark.people.importer.errors import row_error
from sampark.people.importer.lookups import Catalogue, Units
from sampark.people.importer.mapping import Layout
from sampark.people.models import PositionKind

MIN_AGE = 18


@dataclass(slots=True)
class Row:
    """A valid row, ready for the chunk's write."""

    line: int
    cells: list[str]
    name: str
    phone: str
    epic: str
    dob: dt.date | None
    gender: str | None
    languages: list[str] | None
    email: str | None
    unit_id: int
    kind: PositionKind | None
    consent: str | None


def kind_names(kind: PositionKind) -> dict[str, str]:
    """A position's name in each language, as an error parameter."""
    return {"en": kind.name_en, "hi": kind.name_hi or kind.name_en}


class RowValidator:
    """Checks rows of one file against the import's catalogue and units."""

    def __init__(
        self,
        *,
        layout: Layout,
        catalogue: Catalogue,
        units: Units,
        default_kind: PositionKind | None,
        today: dt.date,
    ) -> None:
        self.layout = layout
        self.columns = layout.columns
        self.catalogue = catalogue
        self.unit_by_path = units.by_path
        self.unit_level = units.level
        self.booth_by_part = units.booth_by_part
        self.default_kind = default_kind
        self.today = today

    def _error(
        self, line: int, name: str | None, value: str, code: str, msgid: str, /, **params: Any
    ) -> dict[str, Any]:
        return row_error(line, self.layout.column(name), value, code, msgid, params)

    def _invalid(self, line: int, name: str, value: str, exc: ValidationError) -> dict[str, Any]:
        """An error raised by `people.validation`, kept as its English message."""
        code = str(getattr(exc, "code", None) or "invalid")
        msgid = validation.MESSAGES.get(code)
        if msgid is None:
            return row_error(line, self.layout.column(name), value, code, exc.messages[0], {})
        return self._error(line, name, value, code, msgid, **(exc.params or {}))

    def validate(
        self, line: int, cells: list[str], seen: dict[int, int]
    ) -> tuple[Row | None, list[dict[str, Any]]]:
        """Validate one row; returns the row or its errors. `seen` maps each phone of the file
        (as a number) to the first line that had it."""
        width = len(cells)
        values = {name: clean(cells[i]) for name, i in self.columns.items() if i < width}
        get = values.get
        errors: list[dict[str, Any]] = []
        phone = self._phone(line, get("phone", ""), seen, errors)
        name = epic = ""
        raw = get("name", "")
        try:
            name = validation.normalize_name(raw)[:200]
        except ValidationError as exc:
            errors.append(self._invalid(line, "name", raw, exc))
        raw = get("epic", "")
        if raw:
            try:
                epic = validation.normalize_epic(raw)
            except ValidationError as exc:
                errors.append(self._invalid(line, "epic", raw, exc))
        dob = self._birth(line, get("date_of_birth", ""), get("age", ""), errors)
        gender: str | None = None
        raw = get("gender", "")
        if raw:
            gender = self.catalogue.gender(raw)
            if gender is None:
                msgid = gettext_noop("Unknown gender “%(value)s” (use M, F or O).")
                errors.append(self._error(line, "gender", raw, "gender_invalid", msgid, value=raw))
        raw = get("languages", "")
        languages = self.catalogue.languages(raw) if raw else None
        raw = get("email", "")
        email = self._email(line, raw, errors) if raw else None
        unit_id = self._unit(line, values, errors)
        kind = self._position(line, get("position", ""), unit_id, errors)
        consent: str | None = None
        raw = get("consent", "")
        if raw:
            try:
                consent = self.catalogue.consent(raw)
            except ValueError:
                msgid = gettext_noop("Unknown consent value “%(value)s” (use yes or no).")
                errors.append(
                    self._error(line, "consent", raw, "consent_invalid", msgid, value=raw)
                )
        if errors or unit_id is None:
            return None, errors
        row = Row(
            line=line,
            cells=cells,
            name=name,
            phone=phone,
            epic=epic,
            dob=dob,
            gender=gender,
            languages=languages,
            email=email,
            unit_id=unit_id,
            kind=kind,
            consent=consent,
        )
        return row, errors

    def _phone(
        self, line: int, raw: str, seen: dict[int, int], errors: list[dict[str, Any]]
    ) -> str:
        try:
            phone = fast_normalize_phone(raw)
        except ValidationError as exc:
            errors.append(self._invalid(line, "phone", raw, exc))
            return ""
        first = seen.setdefault(int(phone[1:]), line)
        if first != line:
            msgid = gettext_noop("Duplicate phone within the file (line %(line)s).")
            errors.append(self._error(line, "phone", raw, "duplicate_phone", msgid, line=first))
        return phone

    def _birth(
        self, line: int, raw_dob: str, raw_age: str, errors: list[dict[str, Any]]
    ) -> dt.date | None:
        """The date of birth; an age column counts only when there is no date of birth.
        Either way, a volunteer under 18 is an error."""
        dob: dt.date | None = None
        age: int | None = None
        if raw_dob:
            try:
                dob = parse_date(raw_dob)
                if dob > self.today or dob.year < 1900:
                    raise ValueError(raw_dob)
            except ValueError:
                msgid = gettext_noop(
                    "“%(value)s” is not a date of birth (use YYYY-MM-DD or DD-MM-YYYY)."
                )
                errors.append(
                    self._error(line, "date_of_birth", raw_dob, "dob_invalid", msgid, value=raw_dob)
                )
            else:
                today = self.today
                age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        if raw_age and age is None and dob is None:
            try:
                age = int(float(raw_age))
                if not 0 < age < 125:
                    raise ValueError(raw_age)
            except (ValueError, OverflowError):  # "inf" is a float that no int can hold
                msgid = gettext_noop("“%(value)s” is not an age.")
                errors.append(
                    self._error(line, "age", raw_age, "age_invalid", msgid, value=raw_age)
                )
        if age is not None and age < MIN_AGE:
            column, raw = ("date_of_birth", raw_dob) if dob is not None else ("age", raw_age)
            msgid = gettext_noop(
                "Under 18: a minor cannot be registered as a volunteer or hold a position."
            )
            errors.append(self._error(line, column, raw, "under_18", msgid))
        return dob

    def _email(self, line: int, raw: str, errors: list[dict[str, Any]]) -> str | None:
        try:
            validate_email(raw)
        except ValidationError:
            msgid = gettext_noop("“%(value)s” is not an e-mail address.")
            errors.append(self._error(line, "email", raw, "email_invalid", msgid, value=raw))
            return None
        return raw[:254]

    def _unit(self, line: int, values: dict[str, str], errors: list[dict[str, Any]]) -> int | None:
        """The row's unit in scope; units outside the scope are unknown, never 'forbidden'."""
        get = values.get
        path = get("booth_path", "")
        if path:
            hit = self.unit_by_path.get(path.strip().strip("/").casefold())
            if hit is None:
                msgid = gettext_noop("Unknown booth “%(value)s”.")
                errors.append(
                    self._error(line, "booth_path", path, "unknown_booth", msgid, value=path)
                )
                return None
            return hit[0]
        ac_raw, part_raw = get("ac_no", ""), get("part_no", "")
        if not ac_raw and not part_raw:
            column = "booth_path" if "booth_path" in self.columns else "part_no"
            msgid = gettext_noop("No booth given.")
            errors.append(self._error(line, column, "", "booth_required", msgid))
            return None
        try:
            booth = self.booth_by_part.get((int(float(ac_raw)), int(float(part_raw))))
        except (ValueError, OverflowError):
            booth = None
        if booth is None:
            msgid = gettext_noop("Unknown booth: AC %(ac)s, booth %(part)s.")
            errors.append(
                self._error(
                    line, "part_no", part_raw, "unknown_booth", msgid, ac=ac_raw, part=part_raw
                )
            )
        return booth

    def _position(
        self, line: int, raw: str, unit_id: int | None, errors: list[dict[str, Any]]
    ) -> PositionKind | None:
        """The row's position (or the import's default) and whether its level fits the unit."""
        kind = self.default_kind
        if raw:
            kind = self.catalogue.kind(raw)
            if kind is None:
                msgid = gettext_noop("Unknown position “%(value)s”.")
                errors.append(
                    self._error(line, "position", raw, "unknown_position", msgid, value=raw)
                )
        if kind is not None and unit_id is not None:
            level = self.unit_level[unit_id]
            if kind.level != level:
                msgid = gettext_noop("The position “%(position)s” is not held on a %(level)s.")
                errors.append(
                    self._error(
                        line,
                        "position",
                        raw or kind.code,
                        "position_level",
                        msgid,
                        position=kind_names(kind),
                        level=Level(level).label,
                    )
                )
        return kind
