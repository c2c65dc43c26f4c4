"""Named audit events of the directives app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient


def directive_sent(
    *, directive: Directive, recipients: int, level: str | None, actor: User
) -> AuditEvent:
    return audit.record(
        verb="directive.sent",
        object_type="directive",
        object_id=directive.id,
        actor=actor,
        unit_path=directive.sender_unit.path,
        data={"recipients": recipients, "level": level or "", "due": str(directive.due or "")},
    )


def directive_acknowledged(*, recipient: DirectiveRecipient, actor: User) -> AuditEvent:
    return audit.record(
        verb="directive.acknowledged",
        object_type="directive",
        object_id=recipient.directive_id,
        actor=actor,
        unit_path=recipient.unit.path,
        data={"recipient_id": recipient.id, "unit_id": recipient.unit_id},
    )


def attachment_added(*, attachment: DirectiveAttachment, actor: User) -> AuditEvent:
    return audit.record(
        verb="directive.attachment_added",
        object_type="directive",
        object_id=attachment.directive_id,
        actor=actor,
        unit_path=actor.unit.path if actor.unit else "",
        data={"attachment_id": attachment.id, "size": attachment.size},
    )
