"""Ninja schemas of the people API. Phones (and voter IDs) are masked per viewer here, so no
endpoint can forget to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language
from ninja import Field, Schema

from sampark.people import selectors
from sampark.people.models import Assignment, ConsentEvent, Person


def _viewer(context: dict[str, Any]) -> Any:
    return context["request"].user


class ErrorOut(Schema):
    detail: str


class UnitRef(Schema):
    id: int
    level: str
    path: str
    name: str
    number: int | None = None


class PositionOut(Schema):
    id: int
    person_id: int
    unit: UnitRef
    kind: str
    kind_name: str
    seat: int
    status: str
    verify_method: str
    verified_at: dt.datetime | None = None
    started_at: dt.datetime
    ended_at: dt.datetime | None = None

    @staticmethod
    def resolve_kind(obj: Assignment) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Assignment) -> str:
        return obj.kind.label(get_language() or "en")


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    epic: str
    email: str
    gender: str
    date_of_birth: dt.date | None = None
    languages: list[str]
    home_unit: UnitRef | None = None
    source: str
    created_at: dt.datetime
    positions: list[PositionOut] = Field(default_factory=list)

    @staticmethod
    def resolve_phone(obj: Person, context: dict[str, Any]) -> str:
        return selectors.phone_for(user=_viewer(context), person=obj)

    @staticmethod
    def resolve_epic(obj: Person, context: dict[str, Any]) -> str:
        return selectors.epic_for(user=_viewer(context), person=obj)

    @staticmethod
    def resolve_positions(obj: Person) -> list[Assignment]:
        # Set by the selector/endpoint: only positions inside the viewer's subtree.
        positions: list[Assignment] = getattr(obj, "scoped_assignments", [])
        return positions


class ConsentPair(Schema):
    purpose: str
    channel: str


class PersonIn(Schema):
    name: str
    phone: str
    epic: str = ""
    date_of_birth: dt.date | None = None
    gender: str = ""
    languages: list[str] = Field(default_factory=list)
    email: str = ""
    home_unit_id: int | None = None
    # Optional position to enrol the person into.
    unit_id: int | None = None
    kind: str = ""
    age_confirmed: bool = False
    consents: list[ConsentPair] = Field(default_factory=list)
    notice_version: str = ""
    source: str = "api"


class FlagOut(Schema):
    id: int
    kind: str
    detail: str
    created_at: dt.datetime


class EnrolOut(Schema):
    created: bool
    person: PersonOut
    assignment_id: int | None = None
    flags: list[FlagOut] = Field(default_factory=list)


class ConsentOut(Schema):
    id: int
    purpose: str
    channel: str
    action: str
    notice_version: str
    source: str
    at: dt.datetime

    @classmethod
    def of(cls, event: ConsentEvent) -> ConsentOut:
        return cls.model_validate(event)


class ConsentLedgerOut(Schema):
    current: list[ConsentOut]
    events: list[ConsentOut]


class ConsentIn(Schema):
    purpose: str
    channel: str
    action: str
    notice_version: str
    source: str = "api"


class OtpSentOut(Schema):
    expires_at: dt.datetime


class OtpConfirmIn(Schema):
    code: str = Field(max_length=16)


class OtpConfirmOut(Schema):
    confirmed: bool
    positions: list[PositionOut]


class EndIn(Schema):
    reason: str
