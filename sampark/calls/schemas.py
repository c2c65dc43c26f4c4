"""Shapes of the call centre's API."""

from __future__ import annotations

from ninja import Schema


class CampaignOut(Schema):
    id: int
    name: str
    unit_path: str
    source: str
    category: str
    mode: str
    status: str


class BoardOut(Schema):
    agents_by_state: dict[str, int]
    calls_last_hour: int
    answered_last_hour: int
    contact_rate: float
    aht_seconds: float
    abandon_rate: float
    by_disposition: dict[str, int]


class StaffingOut(Schema):
    agents: int
    traffic_erlangs: float
    service_level: float
    occupancy: float
    wait_probability: float


class ErrorOut(Schema):
    detail: str
