"""Ninja schemas of the directives API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class UnitRef(Schema):
    id: int
    path: str
    name: str
    level: str


class ErrorOut(Schema):
    detail: str


class DirectiveOut(Schema):
    id: int
    title: str
    body: str
    due: dt.date | None
    created_at: dt.datetime
    sender_unit: UnitRef
    recipients_total: int | None = None
    recipients_acknowledged: int | None = None


class InboxItemOut(Schema):
    recipient_id: int
    directive: DirectiveOut
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


class DirectiveListOut(Schema):
    sent: list[DirectiveOut]
    inbox: list[InboxItemOut]


class DirectiveIn(Schema):
    title: str
    body: str = ""
    due: dt.date | None = None
    # Either the ids of units inside your area, or a level: every unit of that level in it.
    unit_ids: list[int] | None = None
    level: str | None = None


class RecipientOut(Schema):
    id: int
    unit: UnitRef
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    note: str
    incharges: list[str]


class DirectiveDetailOut(Schema):
    directive: DirectiveOut
    total: int
    acknowledged: int
    pending: int
    recipients: list[RecipientOut]


class AckIn(Schema):
    note: str = ""


class AckOut(Schema):
    acknowledged: bool
    recipient: RecipientOut


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str  # the API's download address
