"""Writing audit rows. Each app's `audit.py` wraps this with named events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User


def record(
    *,
    verb: str,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    unit_path: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row; call inside the service's transaction."""
    return AuditEvent.objects.create(
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        actor=actor if actor is not None and actor.pk else None,
        unit_path=unit_path,
        data=data or {},
    )
