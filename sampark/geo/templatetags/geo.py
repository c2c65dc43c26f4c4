"""`{% load geo %}`: `{{ unit|unit_name }}` and `{{ unit|unit_label }}` in the active language."""

from __future__ import annotations

from typing import Any

from django import template

from sampark.geo.naming import unit_name as _unit_name

register = template.Library()


@register.filter(name="unit_name")
def unit_name(unit: Any) -> str:
    """The unit's name in the page's language (`name_hi` on Hindi pages when there is one)."""
    return "" if unit is None else _unit_name(unit)


@register.filter(name="unit_label")
def unit_label(unit: Any) -> str:
    """`unit_name` with the number in front for ACs, PCs and booths (`173 · लखनऊ मध्य`)."""
    return "" if unit is None else _unit_name(unit, numbered=True)
