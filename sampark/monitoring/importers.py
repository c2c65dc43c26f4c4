"""CSV and JSONL posts exported from other listening tools: every bad row is reported with its
line number and reason, every good row is kept."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pipeline.types import Platform, RawPost

REQUIRED = ("id", "text", "posted_at")


@dataclass(slots=True)
class RowError:
    line: int
    reason: str


@dataclass(slots=True)
class ParsedRows:
    posts: list[RawPost] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _post(obj: dict[str, Any]) -> RawPost:
    missing = [k for k in REQUIRED if not str(obj.get(k) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    at = _when(str(obj["posted_at"]))
    platform = str(obj.get("platform") or Platform.IMPORT).strip().lower()
    if platform not in Platform.ALL:
        raise ValueError(f"unknown platform {platform!r} (one of {', '.join(Platform.ALL)})")
    if platform in Platform.PRIVATE:
        # Group content needs a group and a place; imports only carry public posts.
        raise ValueError(
            f"platform {platform!r} cannot be imported from a file; use its own intake"
        )
    metrics: dict[str, int] = {}
    for key in ("likes", "shares", "views", "replies"):
        value = obj.get(key)
        if value not in (None, ""):
            try:
                metrics[key] = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError, OverflowError) as exc:  # 1e999 reads as inf
                raise ValueError(f"{key} is not a whole number: {value!r}") from exc
    return RawPost(
        platform=platform,
        external_id=str(obj["id"]).strip()[:200],
        text=str(obj["text"]),
        posted_at=at,
        author=str(obj.get("author") or ""),
        url=str(obj.get("url") or ""),
        metrics=metrics,
    )


def _when(value: str) -> datetime:
    value = value.strip()
    parsed = parse_datetime(value.replace(" ", "T", 1) if "T" not in value else value)
    if parsed is None:
        try:
            parsed = datetime.fromtimestamp(float(value), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:  # "inf", a year past 9999
            raise ValueError(f"posted_at is not a date-time: {value!r}") from exc
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_jsonl(data: bytes) -> ParsedRows:
    out = ParsedRows()
    for number, line in enumerate(_lines(data), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("line is not a JSON object")
            out.posts.append(_post(obj))
        except (ValueError, json.JSONDecodeError) as exc:
            out.errors.append(RowError(number, str(exc)))
        except RecursionError:
            out.errors.append(RowError(number, "JSON nested too deeply"))
    return out


def parse_csv(data: bytes) -> ParsedRows:
    out = ParsedRows()
    # newline="": a bare CR ends a line as csv expects instead of failing the file (issue #12).
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = reader.fieldnames or []
    except csv.Error as exc:
        out.errors.append(RowError(1, f"unreadable header: {exc}"))
        return out
    missing = [k for k in REQUIRED if k not in fields]
    if missing:
        out.errors.append(RowError(1, f"header lacks column(s) {', '.join(missing)}"))
        return out
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv.field_size_limit: this row only
            out.errors.append(RowError(reader.line_num, f"unreadable row: {exc}"))
            continue
        try:
            out.posts.append(_post(dict(row)))
        except ValueError as exc:
            out.errors.append(RowError(reader.line_num, str(exc)))
    return out


def _lines(data: bytes) -> Iterator[str]:
    yield from data.decode("utf-8-sig", errors="replace").splitlines()
