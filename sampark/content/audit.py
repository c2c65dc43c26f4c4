"""Named audit events of the content app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.content.models import ContentItem, Distribution


def item_event(
    *, verb: str, item: ContentItem, actor: User | None, data: dict[str, Any] | None = None
) -> AuditEvent:
    return audit.record(
        verb=f"content.{verb}",
        object_type="content_item",
        object_id=item.id,
        actor=actor,
        unit_path=item.unit.path,
        data={"state": item.state, **(data or {})},
    )


def distribution_event(
    *, verb: str, distribution: Distribution, actor: User | None, data: dict[str, Any] | None = None
) -> AuditEvent:
    return audit.record(
        verb=f"distribution.{verb}",
        object_type="distribution",
        object_id=distribution.id,
        actor=actor,
        unit_path=distribution.unit.path,
        data={"item": distribution.item_id, "kind": distribution.kind, **(data or {})},
    )


def dead_letters_read(*, actor: User, rows: int, page: int) -> AuditEvent | None:
    """A page of the dead-letter list read with full phone numbers (issue #12)."""
    root = actor.unit
    return audit.phones_read(
        actor=actor,
        what="content.dead_letters",
        rows=rows,
        filters={"page": page},
        unit_path=root.path if root is not None else "",
        unit_id=root.pk if root is not None else None,
    )
