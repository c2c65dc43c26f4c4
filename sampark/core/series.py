"""Daily series for charts: counts per calendar day, grouped by the database (issue #16).

`TruncDate` groups in the current time zone (IST, settings.TIME_ZONE), so a day is an Indian
calendar day; the rows never come to Python one by one. On SQLite, Django's `TruncDate` calls a
Python function for every row (6.7 lakh assignments at full scale took 12 s), so there the day is
SQLite's own `date(column, '+330 minutes')` with the zone's current offset: exact for IST, which
has no daylight saving (a zone with it would put the hour around each change on the wrong day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections
from django.db.models import Aggregate, CharField, Count, F, Func, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone


def _day_of(rows: QuerySet[Any], field: str) -> Func:
    if connections[rows.db].vendor != "sqlite":
        return TruncDate(field)
    offset = timezone.localtime().utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    return Func(F(field), Value(f"{minutes:+d} minutes"), function="date", output_field=CharField())


def _as_date(day: Any) -> dt.date:
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def daily(
    rows: QuerySet[Any], *, field: str, since: dt.datetime, **aggregates: Aggregate
) -> dict[dt.date, dict[str, Any]]:
    """{day: {"n": rows that day, name: aggregate, ...}} for rows whose `field` is at or after
    `since`, one GROUP BY over the day of `field`."""
    found = (
        rows.filter(**{f"{field}__gte": since})
        .annotate(day=_day_of(rows, field))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"), **aggregates)
    )
    return {_as_date(r.pop("day")): r for r in found}


def daily_counts(rows: QuerySet[Any], *, field: str, since: dt.datetime) -> dict[dt.date, int]:
    """{day: number of rows whose `field` falls on that day}, from `since` on."""
    return {day: int(r["n"]) for day, r in daily(rows, field=field, since=since).items()}


def days(*, until: dt.date, count: int) -> list[dt.date]:
    """The `count` calendar days ending with `until`, oldest first (the x axis)."""
    return [until - dt.timedelta(days=count - 1 - i) for i in range(count)]
