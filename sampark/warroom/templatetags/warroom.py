"""Labels of the war room's stored values, for pages that show what an event recorded (the
timeline keeps states and severities as their raw values): translated, like every label."""

from __future__ import annotations

from django import template

from sampark.warroom.enums import IncidentState, OfficialStatus, Severity

register = template.Library()


@register.filter(name="incident_state")
def incident_state(value: str) -> str:
    """The translated name of an incident state (`awaiting_approval` -> Awaiting approval)."""
    try:
        return str(IncidentState(value).label)
    except ValueError:
        return str(value)


@register.filter(name="severity")
def severity(value: int | str) -> str:
    """The translated name of a severity (3 -> High)."""
    try:
        return str(Severity(int(value)).label)
    except (TypeError, ValueError):
        return str(value)


@register.filter(name="official_status")
def official_status(value: str) -> str:
    """The translated state of a post on an official account (`not_configured` -> Not
    configured)."""
    try:
        return str(OfficialStatus(value).label)
    except ValueError:
        return str(value)
