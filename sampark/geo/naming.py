"""A unit's name in the active language: the one helper every page, PDF and e-mail uses.

`unit_name(unit)` gives `Unit.name_hi` when the language is Hindi and the unit has one, else
`Unit.name`; `numbered=True` puts the number in front where the public knows a unit by number
(AC 173, PC 12, booth 145). Templates: `{% load geo %}{{ unit|unit_name }}` and
`{{ unit|unit_label }}` (numbered). A PDF or e-mail written for someone else's language wraps
the call in `translation.override(lang)` or passes `language=`.
"""

from __future__ import annotations

from typing import Protocol

from django.utils import translation

from sampark.geo.enums import Level

NUMBERED_LEVELS = frozenset({Level.AC, Level.PC, Level.BOOTH})


class Named(Protocol):
    name: str
    name_hi: str


def is_hindi(language: str | None = None) -> bool:
    return (language or translation.get_language() or "").startswith("hi")


def unit_name(unit: Named, *, numbered: bool = False, language: str | None = None) -> str:
    """The unit's name in `language` (default: the active one), with its number if asked."""
    name = unit.name_hi if unit.name_hi and is_hindi(language) else unit.name
    number = getattr(unit, "number", None)
    if numbered and number and getattr(unit, "level", "") in NUMBERED_LEVELS:
        return f"{number} · {name}"
    return name
