"""The events app's part of a person's data (issue #12, docs/privacy.md): registered with
`people.privacy` in `EventsConfig.ready`. Export: their registrations, tickets and attendance.
Erase: their registrations (tickets and attendance go with them; a gate's scan keeps only the
ticket code it read, which no longer names anyone)."""

from __future__ import annotations

from typing import Any

from sampark.events.models import Registration
from sampark.people.privacy import Subject


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    if subject.person_id is None:
        return {}
    regs = (
        Registration.objects.filter(person_id=subject.person_id)
        .select_related("event")
        .order_by("id")
    )
    return {
        "event_registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "registered_at": r.created_at.isoformat(),
                "attended": hasattr(r, "attendance"),
            }
            for r in regs
        ]
    }


def erase(subject: Subject) -> int:
    if subject.person_id is None:
        return 0
    return int(Registration.objects.filter(person_id=subject.person_id).delete()[0])
