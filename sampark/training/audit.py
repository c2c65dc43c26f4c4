"""Named audit events of the training app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.geo.models import Unit


def record(
    verb: str, *, object_type: str, object_id: int, actor: User | None, unit: Unit, **data: Any
) -> AuditEvent:
    return audit.record(
        verb=f"training.{verb}",
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        unit_path=unit.path,
        data={k: str(v) if not isinstance(v, int | float | str) else v for k, v in data.items()},
    )
