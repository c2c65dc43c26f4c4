"""HTTP API of the directives app (mounted at /api/directives/ by sampark.api)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Body, Router, Status

from sampark.accounts.models import User
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit, LongLimit, Offset
from sampark.directives import selectors, services
from sampark.directives.models import Directive, DirectiveRecipient
from sampark.directives.schemas import (
    AckIn,
    AckOut,
    DirectiveDetailOut,
    DirectiveIn,
    DirectiveListOut,
    DirectiveOut,
    ErrorOut,
    InboxItemOut,
    RecipientOut,
    UnitRef,
)
from sampark.geo.models import Unit

router = Router(tags=["directives"])


def _unit(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.id, path=unit.path, name=unit.name, level=unit.level)


def _directive(d: Directive) -> DirectiveOut:
    return DirectiveOut(
        id=d.id,
        title=d.title,
        body=d.body,
        due=d.due,
        created_at=d.created_at,
        sender_unit=_unit(d.sender_unit),
        recipients_total=getattr(d, "recipients_total", None),
        recipients_acknowledged=getattr(d, "recipients_acknowledged", None),
    )


def _who(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _recipient(r: DirectiveRecipient, incharges: list[str]) -> RecipientOut:
    return RecipientOut(
        id=r.id,
        unit=_unit(r.unit),
        acknowledged_at=r.acknowledged_at,
        acknowledged_by=_who(r.acknowledged_by),
        note=r.note,
        incharges=incharges,
    )


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@router.get("", response=DirectiveListOut)
def directive_list(request: HttpRequest, limit: Limit = 100) -> DirectiveListOut:
    """Directives sent from your area (with progress) and those sent to your unit."""
    user = _user(request)
    sent = selectors.directives_sent_visible(user=user)[:limit]
    inbox = selectors.directives_inbox(user=user)[:limit]
    return DirectiveListOut(
        sent=[_directive(d) for d in sent],
        inbox=[
            InboxItemOut(
                recipient_id=r.id,
                directive=_directive(r.directive),
                acknowledged_at=r.acknowledged_at,
                acknowledged_by=_who(r.acknowledged_by),
            )
            for r in inbox
        ],
    )


@router.post("", response={201: DirectiveOut, 400: ErrorOut, 403: ErrorOut})
def directive_create(request: HttpRequest, payload: DirectiveIn) -> Status[Any]:
    """Send a directive to chosen units, or to every unit of a level, inside your area."""
    try:
        directive = services.directive_send(
            sender=_user(request),
            title=payload.title,
            body=payload.body,
            due=payload.due,
            unit_ids=payload.unit_ids,
            level=payload.level,
        )
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    except ValidationError as exc:
        return Status(400, ErrorOut(detail=_message(exc)))
    return Status(201, _directive(directive))


@router.get("/{directive_id}", response=DirectiveDetailOut)
def directive_detail(
    request: HttpRequest,
    directive_id: int,
    pending: bool = False,
    limit: LongLimit = 500,
    offset: Offset = 0,
) -> DirectiveDetailOut:
    """Counts over the recipients in your area, and those recipients (pending only on request)."""
    user = _user(request)
    directive = selectors.access_directive(user=user, directive_id=directive_id)
    status = selectors.directive_status(directive=directive, user=user, pending_limit=0)
    rows = list(
        selectors.directive_recipients(directive=directive, user=user, pending_only=pending)[
            offset : offset + limit
        ]
    )
    names = selectors.incharge_names(unit_ids=[r.unit_id for r in rows])
    return DirectiveDetailOut(
        directive=_directive(directive),
        total=status.total,
        acknowledged=status.acknowledged,
        pending=status.pending,
        recipients=[_recipient(r, names.get(r.unit_id, [])) for r in rows],
    )


@router.post("/{directive_id}/recipients/{recipient_id}/ack", response={200: AckOut, 403: ErrorOut})
def recipient_ack(
    request: HttpRequest,
    directive_id: int,
    recipient_id: int,
    payload: Body[AckIn | None] = None,
) -> Status[Any]:
    """Acknowledge for your own unit; `acknowledged` is False if it already was."""
    user = _user(request)
    recipient = selectors.access_recipient(
        user=user, recipient_id=recipient_id, directive_id=directive_id
    )
    try:
        won = services.directive_acknowledge(
            recipient_id=recipient.id, user=user, note=payload.note if payload is not None else ""
        )
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    recipient = selectors.access_recipient(user=user, recipient_id=recipient.id)
    names = selectors.incharge_names(unit_ids=[recipient.unit_id])
    return Status(
        200,
        AckOut(acknowledged=won, recipient=_recipient(recipient, names.get(recipient.unit_id, []))),
    )
