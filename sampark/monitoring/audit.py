"""Named audit events of the listening app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.monitoring.models import Alert, ExportUpload, Narrative, Post, Source, Watchlist


def _path(unit: object) -> str:
    return str(getattr(unit, "path", "") or "")


def source_created(*, source: Source, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="source.created",
        object_type="source",
        object_id=source.id,
        actor=actor,
        unit_path=_path(source.unit),
        data={"kind": source.kind, "name": source.name},
    )


def source_toggled(*, source: Source, enabled: bool, actor: User) -> AuditEvent:
    return audit.record(
        verb="source.enabled" if enabled else "source.paused",
        object_type="source",
        object_id=source.id,
        actor=actor,
        unit_path=_path(source.unit),
    )


def stream_rules_changed(
    *, source: Source, actor: User, added: list[str], deleted: list[str]
) -> AuditEvent:
    return audit.record(
        verb="source.stream_rules",
        object_type="source",
        object_id=source.id,
        actor=actor,
        unit_path=_path(source.unit),
        data={"added": added, "deleted": deleted},
    )


def export_uploaded(*, upload: ExportUpload, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="export.uploaded",
        object_type="source",
        object_id=upload.source_id,
        actor=actor,
        unit_path=_path(upload.source.unit),
        data={"file": upload.filename, "messages": upload.messages, "new": upload.new_posts},
    )


def tip_received(*, post: Post, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="tip.received",
        object_type="post",
        object_id=post.id,
        actor=actor,
        unit_path=_path(post.unit),
    )


def watchlist_saved(*, watchlist: Watchlist, terms: int, actor: User) -> AuditEvent:
    return audit.record(
        verb="watchlist.saved",
        object_type="watchlist",
        object_id=watchlist.id,
        actor=actor,
        unit_path=_path(watchlist.unit),
        data={"terms": terms, "active": watchlist.active},
    )


def alert_acknowledged(*, alert: Alert, actor: User) -> AuditEvent:
    return audit.record(
        verb="alert.acknowledged",
        object_type="alert",
        object_id=alert.id,
        actor=actor,
        unit_path=_path(alert.unit),
    )


def narrative_status(*, narrative: Narrative, status: str, actor: User) -> AuditEvent:
    return audit.record(
        verb=f"narrative.{status}",
        object_type="narrative",
        object_id=narrative.id,
        actor=actor,
    )
