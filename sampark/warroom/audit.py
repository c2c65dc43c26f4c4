"""The war room's record of what happened: a timeline row per action, and the core audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.warroom.models import Incident, IncidentEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User


def incident_event(
    *, incident: Incident, kind: str, actor: User | None, data: dict[str, Any] | None = None
) -> IncidentEvent:
    """Append to the incident's timeline and to the audit log; call inside the transaction."""
    actor = actor if actor is not None and actor.pk else None
    event = IncidentEvent.objects.create(incident=incident, kind=kind, actor=actor, data=data or {})
    audit.record(
        verb=f"incident.{kind}",
        object_type="incident",
        object_id=incident.id,
        actor=actor,
        unit_path=incident.unit.path,
        data=data or {},
    )
    return event


def record(
    *, verb: str, object_type: str, object_id: int, actor: User | None, unit_path: str = ""
) -> None:
    """An audit row for objects without a timeline (templates, shifts)."""
    audit.record(
        verb=verb, object_type=object_type, object_id=object_id, actor=actor, unit_path=unit_path
    )
