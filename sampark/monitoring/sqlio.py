"""The pipeline's claims, and the raw SQL of its write phase (the ORM's per-row cost is too
high for it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from sampark.monitoring.models import Band, NarrativeHour


def claimable_ids(
    rows: QuerySet[Any], *, pending: Any, processing: Any, limit: int, now: datetime
) -> list[int]:
    """Up to `limit` ids of `rows` to claim, locked for the caller's transaction (SKIP LOCKED
    where the database has it): pending rows first, then processing rows whose lease ran out (a
    dead worker's). The pipeline's posts and the OCR step's images are claimed alike."""
    locked = rows.order_by("id").select_for_update(skip_locked=True)
    ids = list(locked.filter(status=pending).values_list("id", flat=True)[:limit])
    if len(ids) < limit:
        stale = locked.filter(status=processing, locked_until__lt=now)
        ids += list(stale.values_list("id", flat=True)[: limit - len(ids)])
    return ids


def upsert_hours(hours: dict[tuple[int, int, datetime], int]) -> None:
    table = connection.ops.quote_name(NarrativeHour._meta.db_table)
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} (narrative_id, district_key, hour, posts) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (narrative_id, district_key, hour) "
            "DO UPDATE SET posts = " + table + ".posts + excluded.posts",
            [(n, d, db_time(h), c) for (n, d, h), c in hours.items()],
        )


POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount(values: np.ndarray) -> np.ndarray:
    as_bytes = values.astype(np.int64).view(np.uint8).reshape(-1, 8)
    counts: np.ndarray = POP8[as_bytes].sum(axis=1)
    return counts


def select_in(
    model: Any, columns: tuple[str, ...], column: str, values: list[int]
) -> Iterable[tuple[Any, ...]]:
    """Rows whose integer `column` is in `values`, without the ORM's per-value cost (these
    lookups run with tens of thousands of band keys a batch). PostgreSQL takes the values as
    one array parameter; SQLite in chunks of placeholders."""
    q = connection.ops.quote_name
    head = (
        f"SELECT {', '.join(q(c) for c in columns)} FROM {q(model._meta.db_table)} "  # noqa: S608
        f"WHERE {q(column)} "
    )
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(head + "= ANY(%s::bigint[])", [values])
            yield from cur.fetchall()
            return
        for chunk in chunks(values, 900):
            cur.execute(head + "IN (" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            yield from cur.fetchall()


def insert_bands(rows: list[tuple[int, int]]) -> None:
    """Band rows in one statement on PostgreSQL (unnest of two arrays), executemany on SQLite."""
    table = connection.ops.quote_name(Band._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"INSERT INTO {table} ({key}, variant_id) "  # noqa: S608
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [[r[0] for r in rows], [r[1] for r in rows]],
            )
        else:
            cur.executemany(
                f"INSERT INTO {table} ({key}, variant_id) VALUES (%s, %s)",  # noqa: S608
                rows,
            )


def db_time(value: datetime) -> Any:
    """A datetime as the backend stores it (raw SQL must match what the ORM writes)."""
    return connection.ops.adapt_datetimefield_value(value)


def chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
