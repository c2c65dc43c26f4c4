"""Ninja schemas of the listening API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class PostOut(Schema):
    id: int
    seq: int | None  # processing order: the feed's `before`/`after` cursor
    platform: str
    lang: str
    text: str
    posted_at: dt.datetime
    narrative_id: int | None
    unit_id: int | None
    is_private: bool


class NarrativeOut(Schema):
    id: int
    title: str
    lang: str
    status: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    posts: int
    variants: int
    velocity: float
    burst: float


class DistrictCount(Schema):
    unit_id: int
    path: str
    name: str
    posts: int


class NarrativeDetailOut(NarrativeOut):
    # Posts per hour over the last 48 hours, oldest first.
    series: list[int]
    districts: list[DistrictCount]


class TipIn(Schema):
    text: str
    url: str = ""


class TipOut(Schema):
    # None when the same tip had been received already.
    id: int | None
    duplicate: bool


class AlertOut(Schema):
    id: int
    kind: str
    message: str
    count: int
    unit_id: int
    narrative_id: int | None
    watchlist_id: int | None
    created_at: dt.datetime
    last_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class AckOut(Schema):
    acknowledged: bool
    alert: AlertOut
