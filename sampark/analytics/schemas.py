"""Ninja schemas of the analytics API."""

from __future__ import annotations

from ninja import Schema


class Figures(Schema):
    id: int
    level: str
    name: str
    name_hi: str
    number: int | None
    booths_total: int
    booths_full: int
    booths_partial: int
    booths_empty: int
    volunteers: int
    pct_full: float


class ChildCoverageOut(Figures):
    path: str


class CoverageOut(Figures):
    """The same shape as `sampark coverage --unit PATH --json`."""

    unit: str
    children: list[ChildCoverageOut]


class UnitRefOut(Schema):
    id: int
    name: str
    name_hi: str
    number: int | None


class InChargeOut(Schema):
    person_id: int
    name: str
    unit_id: int
    level: str
    role_en: str
    role_hi: str
    status: str


class LackingBoothOut(Schema):
    id: int
    path: str
    name: str
    name_hi: str
    number: int | None
    volunteers: int
    missing: int
    ac: UnitRefOut | None
    sector: UnitRefOut | None
    incharge: InChargeOut | None


class LackingPageOut(Schema):
    total: int
    offset: int
    limit: int
    next_offset: int | None
    booths: list[LackingBoothOut]
