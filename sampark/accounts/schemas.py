"""Ninja schemas of the accounts API."""

from __future__ import annotations

from ninja import Schema


class UnitOut(Schema):
    id: int
    path: str
    name: str
    name_hi: str
    level: str


class MeOut(Schema):
    username: str
    full_name: str
    unit: UnitOut | None
    roles: list[str]
    capabilities: list[str]
