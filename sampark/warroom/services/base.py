"""The incident row helpers every war-room service module shares: the row lock, field updates,
and state moves on the timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from sampark.warroom import audit
from sampark.warroom.enums import EventKind, IncidentState
from sampark.warroom.models import Incident

if TYPE_CHECKING:
    from sampark.accounts.models import User


def incident_locked(incident_id: int) -> Incident:
    """The incident, locked for the rest of the transaction (its unit loaded)."""
    return Incident.objects.select_for_update().select_related("unit").get(id=incident_id)


def incident_touch(incident: Incident, **fields: Any) -> None:
    """Save these fields (and `updated_at`) on the incident."""
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.save(update_fields=list(fields))


def incident_move(incident: Incident, to: str, *, actor: User | None, note: str = "") -> None:
    """Change state and put it on the timeline. Caller must hold the incident row lock."""
    before = incident.state
    if before == to:
        return
    fields: dict[str, Any] = {"state": to}
    now = timezone.now()
    if to == IncidentState.CLOSED:
        fields["closed_at"] = now
    if to == IncidentState.PUBLISHED and incident.published_at is None:
        fields["published_at"] = now
    incident_touch(incident, **fields)
    data: dict[str, Any] = {"from": before, "to": to}
    if note:
        data["note"] = note[:500]
    audit.incident_event(incident=incident, kind=EventKind.STATE, actor=actor, data=data)
