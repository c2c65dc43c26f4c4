"""`{% load analytics %}`: names in the active language (`{{ unit|local_name }}`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sampark.geo.enums import Level
from sampark.geo.naming import unit_name

register = template.Library()

_PLURAL: dict[str, str | Promise] = {
    Level.STATE: _("States"),
    Level.DISTRICT: _("Districts"),
    Level.PC: _("Lok Sabha constituencies"),
    Level.AC: _("Assembly constituencies"),
    Level.MANDAL: _("Mandals"),
    Level.SECTOR: _("Sectors"),
    Level.BOOTH: _("Booths"),
}


def _hindi() -> bool:
    return (translation.get_language() or "").startswith("hi")


def pick(english: str, hindi: str) -> str:
    """`hindi` when the active language is Hindi and it is set, else `english`."""
    return hindi if hindi and _hindi() else english


@register.filter(name="local_name")
def local_name(obj: Any) -> str:
    """A unit's (or position kind's) name: `name_hi` in Hindi when set, else `name`/`name_en`."""
    if obj is None:
        return ""
    english = getattr(obj, "name", None)
    if english is None:
        english = getattr(obj, "name_en", "")
    return pick(str(english or ""), str(getattr(obj, "name_hi", "") or ""))


@register.filter(name="unit_label")
def unit_label(obj: Any) -> str:
    """`local_name` with the number in front where the public knows the unit by number
    (`sampark.geo.naming.unit_name`, the one helper for units)."""
    if obj is None:
        return ""
    if hasattr(obj, "name_hi") and hasattr(obj, "name"):
        return unit_name(obj, numbered=True)
    return local_name(obj)


@register.filter(name="local_role")
def local_role(obj: Any) -> str:
    """An in-charge's role (`role_en`/`role_hi`) in the active language."""
    return pick(str(getattr(obj, "role_en", "")), str(getattr(obj, "role_hi", "")))


@register.filter(name="level_label")
def level_label(level: str) -> str:
    """The translated name of a level (`ac` -> Assembly constituency)."""
    try:
        return str(Level(level).label)
    except ValueError:
        return level


_unit_urls: dict[str, str] = {}


@register.filter(name="unit_url")
def unit_url(unit_id: int) -> str:
    """`{% url 'analytics:unit' id %}` for table rows: reversed once, not once per row."""
    prefix = get_script_prefix()
    pattern = _unit_urls.get(prefix)
    if pattern is None:
        pattern = _unit_urls[prefix] = reverse("analytics:unit", kwargs={"unit_id": 987654321})
    return pattern.replace("987654321", str(int(unit_id)))


@register.filter(name="level_plural")
def level_plural(level: str) -> str:
    """The translated plural of a level (`ac` -> Assembly constituencies)."""
    return str(_PLURAL.get(level, level))


@register.filter(name="css_pct")
def css_pct(value: float | int) -> str:
    """A percentage for a CSS width, never localised (`12.5`)."""
    return f"{float(value):.1f}"
