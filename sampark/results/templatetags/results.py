"""`{% load results %}`: names of places on the results pages and the brief.

`place_name` is the one place that chooses a unit's name: the Hindi name (`Unit.name_hi`, filled
by geo for every district, PC and AC) on Hindi pages, the English `name` otherwise — the same
rule as `sampark.geo.naming.unit_name`, for rows that are not units too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampark.geo.enums import Level
from sampark.geo.naming import is_hindi

register = template.Library()

_NUMBERED = frozenset({Level.AC, Level.PC, Level.BOOTH})
_PLURAL: dict[str, Any] = {
    Level.DISTRICT: _("Districts"),
    Level.PC: _("Lok Sabha constituencies"),
    Level.AC: _("Assembly constituencies"),
    Level.BOOTH: _("Booths"),
}


@register.filter(name="place_name")
def place_name(obj: Any) -> str:
    """A unit's (or place's) name in the page's language, where one is known."""
    if obj is None:
        return ""
    english = str(getattr(obj, "name", "") or "")
    hindi = str(getattr(obj, "name_hi", "") or "")
    if hindi and is_hindi():
        return hindi
    return english


@register.filter(name="place_label")
def place_label(obj: Any) -> str:
    """`place_name` with the number in front where the public knows the unit by number."""
    number = getattr(obj, "number", None)
    if getattr(obj, "level", "") in _NUMBERED and number:
        return f"{number} · {place_name(obj)}"
    return place_name(obj)


@register.filter(name="results_plural")
def results_plural(level: str) -> str:
    return str(_PLURAL.get(level, level))


_urls: dict[str, str] = {}


@register.filter(name="results_url")
def results_url(unit_id: int) -> str:
    """`{% url 'results:unit' id %}` for table rows: reversed once, not once per row."""
    prefix = get_script_prefix()
    pattern = _urls.get(prefix)
    if pattern is None:
        pattern = _urls[prefix] = reverse("results:unit", kwargs={"unit_id": 987654321})
    return pattern.replace("987654321", str(int(unit_id)))


@register.filter(name="signed")
def signed(value: float | None) -> str:
    """A change or margin with its sign (`+3.2`, `−1.5`); a dash for none."""
    if value is None:
        return "—"
    return f"+{value:.1f}" if value > 0 else f"−{abs(value):.1f}" if value < 0 else "0.0"


@register.filter(name="signed_int")
def signed_int(value: int | None) -> str:
    """A whole-number change with its sign (`+12`, `−3`); a dash for none."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else f"−{abs(value)}" if value < 0 else "0"


@register.filter(name="brief_time")
def brief_time(value: str | None) -> dt.datetime | None:
    """An ISO time stored in a brief's JSON as a local (IST) datetime, for `|date`."""
    if not value:
        return None
    try:
        return timezone.localtime(dt.datetime.fromisoformat(value))
    except ValueError:
        return None
