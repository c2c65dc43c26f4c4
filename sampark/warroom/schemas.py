"""Ninja schemas of the war-room API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class UnitRef(Schema):
    id: int
    path: str
    name: str
    level: str


class MatchOut(Schema):
    fact_check_id: int
    url: str
    publisher: str
    verdict: str
    title: str
    score: float
    band: str


class EventOut(Schema):
    kind: str
    actor: str | None
    data: dict[str, object]
    at: dt.datetime


class IncidentOut(Schema):
    id: int
    title: str
    unit: UnitRef
    origin: str
    state: str
    severity: int
    sla_due_at: dt.datetime | None
    sla: str
    escalated_at: dt.datetime | None
    assignee: str | None
    reach: int
    velocity: float
    watch_hits: int
    district_ids: list[int]
    created_at: dt.datetime


class IncidentDetailOut(IncidentOut):
    claim: str
    narrative_id: int | None
    matches: list[MatchOut]
    timeline: list[EventOut]


class QueueOut(Schema):
    incidents: list[IncidentOut]
