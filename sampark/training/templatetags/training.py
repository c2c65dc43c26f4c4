"""`{{ obj|local:"title" }}`: the Hindi or English field, by the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter(name="local")
def local(obj: Any, field: str) -> str:
    """`obj.<field>_hi` on a Hindi page (falling back to English), else `obj.<field>_en`."""
    hindi = (get_language() or "hi").startswith("hi")
    first, second = ("hi", "en") if hindi else ("en", "hi")
    return str(getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", ""))


@register.filter(name="pick")
def pick(rows: dict[int, Any], key: int) -> Any:
    """`rows[key]` or None (a lesson's kit withdrawn since; a module's tally of a unit)."""
    return rows.get(key)
