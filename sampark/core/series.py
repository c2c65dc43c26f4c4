"""Daily series for charts: counts per calendar day, grouped by the database (issue #16).

`TruncDate` groups in the current time zone (IST, settings.TIME_ZONE), so a day is an Indian
calendar day on SQLite and PostgreSQL alike; the rows never come to Python one by one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Aggregate, Count, QuerySet
from django.db.models.functions import TruncDate


def daily(
    rows: QuerySet[Any], *, field: str, since: dt.datetime, **aggregates: Aggregate
) -> dict[dt.date, dict[str, Any]]:
    """{day: {"n": rows that day, name: aggregate, ...}} for rows whose `field` is at or after
    `since`, one GROUP BY over the day of `field`."""
    found = (
        rows.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"), **aggregates)
    )
    return {r.pop("day"): r for r in found}


def daily_counts(rows: QuerySet[Any], *, field: str, since: dt.datetime) -> dict[dt.date, int]:
    """{day: number of rows whose `field` falls on that day}, from `since` on."""
    return {day: int(r["n"]) for day, r in daily(rows, field=field, since=since).items()}


def days(*, until: dt.date, count: int) -> list[dt.date]:
    """The `count` calendar days ending with `until`, oldest first (the x axis)."""
    return [until - dt.timedelta(days=count - 1 - i) for i in range(count)]
