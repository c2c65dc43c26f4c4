"""Time series of a unit's subtree for the trends page and its JSON (issue #16 item 3).

Each series is read through the owning app's selector (people, content, monitoring, war room),
which counts per IST day in the database (`core.series.daily`); this module only lays the
counts on one axis of calendar days with zeros where nothing happened. Narratives need the
listening capability and incidents the war-room one, as their own pages do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.content import selectors as content_selectors
from sampark.core.series import days as axis_days
from sampark.geo.models import Unit
from sampark.monitoring import selectors as monitoring_selectors
from sampark.people import selectors as people_selectors
from sampark.warroom import selectors as warroom_selectors

RANGES = (7, 30, 90)
DEFAULT_RANGE = 30


def range_of(raw: str | None) -> int:
    """The asked range in days if it is one of RANGES, else the default."""
    return int(raw) if raw in {str(r) for r in RANGES} else DEFAULT_RANGE


def _line(counts: dict[dt.date, Any], axis: list[dt.date]) -> list[Any]:
    return [counts.get(day, 0) for day in axis]


def _gaps(counts: dict[dt.date, Any], axis: list[dt.date]) -> list[Any]:
    """A line with no value (not zero) on days without any: a mean of nothing is unknown."""
    return [counts.get(day) for day in axis]


def trends(*, user: User, unit: Unit, days: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every series of the unit's subtree over the last `days` IST days (today included), with
    the labels the charts show in the active language. The caller has scoped the unit."""
    now = now or timezone.now()
    until = timezone.localdate(now)
    axis = axis_days(until=until, count=days)
    since = timezone.make_aware(dt.datetime.combine(axis[0], dt.time.min))
    recruits = people_selectors.recruitment_daily(unit=unit, since=since)
    kits = content_selectors.kits_daily(unit=unit, since=since)
    out: dict[str, Any] = {
        "unit": unit.id,
        "range": days,
        "days": [d.isoformat() for d in axis],
        "day_labels": [formats.date_format(d, "j M") for d in axis],
        "recruitment": {
            "taken": _line(recruits["taken"], axis),
            "verified": _line(recruits["verified"], axis),
        },
        "reach": {"sent": _line(kits["sent"], axis), "forwarded": _line(kits["forwarded"], axis)},
        "narratives": None,
        "incidents": None,
        "labels": labels(),
    }
    if user.can_listen:
        found = monitoring_selectors.narratives_daily(unit=unit, since=since)
        out["narratives"] = {k: _line(v, axis) for k, v in found.items()}
    if user.can_warroom:
        inc = warroom_selectors.incidents_daily(unit=unit, since=since)
        out["incidents"] = {
            "opened": _line(inc["opened"], axis),
            "answered": _line(inc["answered"], axis),
            "in_sla": _line(inc["in_sla"], axis),
            "minutes": _gaps(inc["minutes"], axis),
        }
    return out


def labels() -> dict[str, str]:
    """Axis names and legends of the trend charts, translated (the scripts only place them)."""
    return {
        "taken": _("Positions taken"),
        "verified": _("Positions verified"),
        "sent": _("Kits sent"),
        "forwarded": _("Kits forwarded to groups"),
        "new": _("New narratives"),
        "growing": _("Narratives with new posts"),
        "opened": _("Incidents opened"),
        "answered": _("Incidents answered"),
        "in_sla": _("Answered within SLA"),
        "minutes": _("Mean minutes to answer"),
        "minutes_axis": _("Minutes"),
        "count": _("Count"),
        "day": _("Day"),
    }
