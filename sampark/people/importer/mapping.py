"""Mapping a file's columns to the importer's fields: aliases in English and Hindi, the guess
for the mapping step, and the explicit choice on top of it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop

from sampark.people.importer.errors import ImportFileError

FIELD_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Mobile number"),
    "epic": gettext_lazy("Voter ID (EPIC)"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "age": gettext_lazy("Age"),
    "gender": gettext_lazy("Gender"),
    "languages": gettext_lazy("Languages"),
    "email": gettext_lazy("E-mail"),
    "ac_no": gettext_lazy("AC number"),
    "part_no": gettext_lazy("Booth (part) number"),
    "booth_path": gettext_lazy("Unit path (UP/D1/AC1/M01/S01/B1)"),
    "position": gettext_lazy("Position"),
    "consent": gettext_lazy("Consent to volunteer coordination by SMS"),
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

# Header aliases, compared after `header_key` (case, spaces, punctuation and Unicode form folded).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "volunteer name",
        "naam",
        "नाम",
        "पूरा नाम",
        "कार्यकर्ता का नाम",
        "स्वयंसेवक का नाम",
    ),
    "phone": (
        "phone",
        "mobile",
        "mobile no",
        "mobile number",
        "phone no",
        "phone number",
        "contact",
        "contact no",
        "whatsapp",
        "whatsapp no",
        "whatsapp number",
        "मोबाइल",
        "मोबाइल नंबर",
        "मोबाइल नम्बर",
        "मोबाइल नं",
        "मोबाईल",
        "फ़ोन",
        "फोन",
        "फ़ोन नंबर",
        "फोन नंबर",
    ),
    "epic": (
        "epic",
        "epic no",
        "epic number",
        "voter id",
        "voter id no",
        "voter id number",
        "voter card",
        "मतदाता पहचान पत्र",
        "मतदाता पहचान पत्र संख्या",
        "वोटर आईडी",
        "ईपिक",
    ),
    "date_of_birth": ("date of birth", "dob", "birth date", "जन्म तिथि", "जन्मतिथि", "जन्म दिनांक"),
    "age": ("age", "आयु", "उम्र"),
    "gender": ("gender", "sex", "लिंग"),
    "languages": ("languages", "language", "भाषा", "भाषाएँ", "भाषाएं"),
    "email": ("email", "e mail", "email id", "ईमेल", "ई मेल"),
    "ac_no": (
        "ac no",
        "ac number",
        "ac",
        "assembly constituency",
        "assembly constituency no",
        "assembly no",
        "विधानसभा संख्या",
        "विधानसभा क्रमांक",
        "विधानसभा",
        "विधान सभा संख्या",
    ),
    "part_no": (
        "part no",
        "part number",
        "part",
        "booth",
        "booth no",
        "booth number",
        "ps no",
        "polling station no",
        "बूथ संख्या",
        "बूथ नंबर",
        "बूथ",
        "भाग संख्या",
        "भाग",
    ),
    "booth_path": ("booth path", "unit path", "path"),
    "position": ("position", "post", "role", "पद", "दायित्व"),
    "consent": ("consent", "सहमति"),
}

_PUNCT = re.compile(r"[\s_\-./:#()\[\]]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def header_key(text: str) -> str:
    """Fold a column header for matching: NFC, case, punctuation and spacing."""
    folded = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE).casefold()
    return _PUNCT.sub(" ", folded).strip()


_ALIAS_INDEX: dict[str, str] = {
    header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}
for _name in FIELDS:
    _ALIAS_INDEX.setdefault(header_key(_name), _name)


def detect_mapping(header: list[str]) -> dict[str, str]:
    """{source header: field or ""} guessed from the aliases; the first column of a field wins."""
    taken: set[str] = set()
    detected: dict[str, str] = {}
    for column in header:
        name = _ALIAS_INDEX.get(header_key(column), "")
        if name in taken or column in detected:
            name = ""
        if name:
            taken.add(name)
        detected.setdefault(column, name)
    return detected


def resolve_columns(
    header: list[str], mapping: Mapping[str, str | None] | None = None
) -> dict[str, int]:
    """{field: column index}: the detected mapping with `mapping` ({header: field}) on top.

    Raises ImportFileError before any row is read when a required field is unmapped.
    """
    chosen: dict[int, str] = {}
    for index, column in enumerate(header):
        guess = _ALIAS_INDEX.get(header_key(column), "")
        if guess and guess not in chosen.values():
            chosen[index] = guess
    by_key = {header_key(c): i for i, c in reversed(list(enumerate(header)))}
    for source, target in (mapping or {}).items():
        found = header.index(source) if source in header else by_key.get(header_key(source))
        if found is None:
            raise ImportFileError(
                gettext_noop("Column “%(column)s” is not in the file."), {"column": source}
            )
        index = found
        target = (target or "").strip()
        if target in ("", "-", "ignore"):
            chosen.pop(index, None)
            continue
        if target not in FIELD_LABELS:
            raise ImportFileError(
                gettext_noop("“%(field)s” is not a field the importer knows."), {"field": target}
            )
        # An explicit choice takes the field away from a column that merely looked like it.
        for other, name in list(chosen.items()):
            if name == target and other != index and header[other] not in (mapping or {}):
                chosen.pop(other)
        chosen[index] = target
    columns: dict[str, int] = {}
    for index, name in sorted(chosen.items()):
        if name in columns:
            raise ImportFileError(
                gettext_noop("Columns “%(a)s” and “%(b)s” are both mapped to %(field)s."),
                {"a": header[columns[name]], "b": header[index], "field": FIELD_LABELS[name]},
            )
        columns[name] = index
    _require_columns(columns)
    return columns


def _require_columns(columns: Mapping[str, int]) -> None:
    missing = [FIELD_LABELS[f] for f in ("name", "phone") if f not in columns]
    if missing:
        fields = format_lazy(", ".join(["{}"] * len(missing)), *missing)
        raise ImportFileError(
            gettext_noop("The file has no column for: %(fields)s."), {"fields": fields}
        )
    if "booth_path" not in columns and not ("ac_no" in columns and "part_no" in columns):
        raise ImportFileError(
            gettext_noop(
                "The file has no booth column: give a unit path column, or both an AC number "
                "and a booth (part) number column."
            )
        )


@dataclass(frozen=True)
class Layout:
    """A file's header and where each mapped field is in it."""

    header: list[str]
    columns: dict[str, int]

    def column(self, name: str | None) -> str:
        """The header of the field's column as the file writes it ('' when unmapped)."""
        return self.header[self.columns[name]] if name and name in self.columns else ""

    def raw(self, cells: list[str], name: str) -> str:
        """The field's cell as read, before cleaning."""
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""
