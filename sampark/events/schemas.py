"""Schemas of the events API (the gate's sync)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ScanSchema(Schema):
    client_id: str = Field(min_length=1, max_length=64)
    code: str = Field(max_length=200)
    scanned_at: dt.datetime


class SyncIn(Schema):
    scans: list[ScanSchema] = Field(max_length=500)


class ScanResultOut(Schema):
    client_id: str
    result: str
    name: str


class SyncOut(Schema):
    results: list[ScanResultOut]


class TicketOut(Schema):
    id: int
    code: str
    name: str
    status: str


class TicketsOut(Schema):
    tickets: list[TicketOut]
    next_after: int | None


class WalkinIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=20)


class ErrorOut(Schema):
    detail: str
