"""Bulk reads and inserts without model instances: at lakhs of rows, the ORM's per-object and
per-parameter work is most of an import's cost."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

# `__in` lookups are split so no statement exceeds SQLite's bound-parameter limit.
IN_BATCH = 900

T = TypeVar("T")


def batched(values: Iterable[T], size: int = IN_BATCH) -> Iterator[list[T]]:
    it = iter(values)
    while batch := list(itertools.islice(it, size)):
        yield batch


def pairs(
    model: type[Model], key: str, value: str, keys: Iterable[str]
) -> Iterator[tuple[Any, Any]]:
    """(key, value) columns of the rows whose `key` is in `keys`, for text keys (phone, EPIC).

    Plain SQL: the ORM's per-parameter preparation of large IN lists is measurable at lakhs.
    """
    meta = model._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    key_column = qn(str(meta.get_field(key).column))  # type: ignore[union-attr]
    value_column = qn(str(meta.get_field(value).column))  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter instead of hundreds of bound values.
            for batch in batched(keys, 10_000):
                cursor.execute(
                    f"SELECT {key_column}, {value_column} FROM {table} "  # noqa: S608
                    f"WHERE {key_column} = ANY(%s)",
                    [batch],
                )
                yield from cursor.fetchall()
            return
        for batch in batched(keys):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT {key_column}, {value_column} FROM {table} "  # noqa: S608
                f"WHERE {key_column} IN ({marks})",
                batch,
            )
            yield from cursor.fetchall()


class Inserter:
    """INSERT many rows without model instances.

    Building a model instance and compiling SQL per object is most of `bulk_create`'s cost; at
    lakhs of rows it dominates the import. Given fields are passed as already-adapted values;
    every other concrete field gets its default, so a field added later still gets a value.
    SQLite runs one prepared statement over all rows (`executemany`, a loop in C); PostgreSQL
    gets COPY (psycopg 3), about ten times faster there than multi-row INSERTs.
    """

    def __init__(self, model: type[Model], fields: tuple[str, ...]) -> None:
        meta = model._meta
        qn = connection.ops.quote_name
        given = [f for name in fields if isinstance(f := meta.get_field(name), Field)]
        assert len(given) == len(fields)
        rest = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and f.attname not in fields and f.name not in fields
        ]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        # Identifiers come from the model's own metadata, quoted; values are parameters.
        table = qn(meta.db_table)
        columns = ", ".join(qn(str(f.column)) for f in (*given, *rest))
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> int:
        params = [row + self.defaults for row in rows]
        if not params:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, params)
        return len(params)
