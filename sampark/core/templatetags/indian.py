"""Template filters loaded as builtins: `{{ n|indian }}`, `{{ part|pct:whole }}`."""

from __future__ import annotations

from decimal import Decimal

from django import template

from sampark.core.numbers import indian_group, percent

register = template.Library()


@register.filter(name="indian")
def indian(value: int | float | Decimal | str | None, decimals: int = 0) -> str:
    return indian_group(value, decimals)


@register.filter(name="pct")
def pct(part: int, whole: int) -> float:
    return percent(part, whole)
