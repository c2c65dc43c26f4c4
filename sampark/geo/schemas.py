"""Ninja schemas of the geo API."""

from __future__ import annotations

from ninja import Schema


class UnitOut(Schema):
    id: int
    level: str
    code: str
    path: str
    name: str
    name_hi: str
    number: int | None
    parent_id: int | None
    electors: int | None
    reservation: str
