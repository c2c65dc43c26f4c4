"""Ninja schemas of the groups API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from sampark.groups.models import Group, MemberCountReport


class ErrorOut(Schema):
    detail: str


class GroupOut(Schema):
    id: int
    booth_id: int
    booth_path: str = Field(..., alias="booth.path")
    platform: str
    name: str
    purpose: str
    member_count: int
    member_count_at: dt.datetime | None
    cap: int
    last_activity_at: dt.datetime | None
    created_at: dt.datetime
    archived_at: dt.datetime | None
    admin_ids: list[int]

    @staticmethod
    def resolve_admin_ids(obj: Group) -> list[int]:
        return sorted(p.id for p in obj.admins.all())


class CountReportOut(Schema):
    count: int
    at: dt.datetime


class GroupDetailOut(GroupOut):
    # Empty unless the caller may run the group (its admins, in-charges): set by the endpoint.
    invite_link: str
    joins_active: int
    history: list[CountReportOut]

    @staticmethod
    def resolve_invite_link(obj: Group) -> str:
        return str(getattr(obj, "visible_link", ""))

    @staticmethod
    def resolve_joins_active(obj: Group) -> int:
        return int(getattr(obj, "joins_active", 0))

    @staticmethod
    def resolve_history(obj: Group) -> list[MemberCountReport]:
        return list(getattr(obj, "history", []))


class CountIn(Schema):
    count: int
