"""HTTP API of the directives app (mounted at /api/directives/ by sampark.api)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest
from ninja import Body, Router, Status

from sampark.accounts.models import User
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit, LongLimit, Offset
from sampark.directives import selectors, services
from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient
from sampark.directives.schemas import (
    AckIn,
    AckOut,
    AttachmentOut,
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


# --- attachments (PDF, PNG or JPEG by their first bytes; 5 MB; 5 per directive) -------------

# Room for the multipart envelope around the file: a request larger than the file limit plus
# this is refused from its Content-Length, before any of its body is read.
MULTIPART_ROOM = 64 * 1024
UPLOAD_SCHEMA = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        }
    }
}


def _attachment(a: DirectiveAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.id,
        filename=a.filename,
        content_type=a.content_type,
        size=a.size,
        created_at=a.created_at,
        url=f"/api/directives/attachments/{a.id}",
    )


@router.get("/{directive_id}/attachments", response=list[AttachmentOut])
def attachment_list(request: HttpRequest, directive_id: int) -> list[AttachmentOut]:
    """The files sent with a directive you may see (404 outside its audience)."""
    directive = selectors.access_directive(user=_user(request), directive_id=directive_id)
    return [_attachment(a) for a in selectors.attachments_of(directive=directive)]


@router.post(
    "/{directive_id}/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 403: ErrorOut, 413: ErrorOut},
    openapi_extra=UPLOAD_SCHEMA,
)
def attachment_upload(request: HttpRequest, directive_id: int) -> Status[Any]:
    """Attach a PDF, PNG or JPEG (multipart field `file`) to a directive your unit sent."""
    directive = selectors.access_directive(user=_user(request), directive_id=directive_id)
    limit = services.attachment_max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Status(400, ErrorOut(detail="bad Content-Length"))
    if length > limit + MULTIPART_ROOM:
        # Bounded before the body is read (the multipart parser is never started).
        return Status(413, ErrorOut(detail=f"an attachment may be at most {limit} bytes"))
    upload = request.FILES.get("file")
    if upload is None:
        return Status(400, ErrorOut(detail="send the file as the multipart field 'file'"))
    try:
        attachment = services.attachment_add(
            directive_id=directive.id, actor=_user(request), upload=upload
        )
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    except ValidationError as exc:
        status = 413 if exc.code == "attachment_size" else 400
        return Status(status, ErrorOut(detail=_message(exc)))
    return Status(201, _attachment(attachment))


@router.get("/attachments/{attachment_id}")
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Download one attachment of a directive you may see (404 otherwise)."""
    attachment = selectors.access_attachment(user=_user(request), attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
