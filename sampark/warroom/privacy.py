"""War-room incidents quote the rumour or tip they came from: an erased person's phone or name
is scrubbed from their titles, claims and timelines (people.privacy). Incidents are the
organisation's work, not the person's data, so there is nothing to export."""

from __future__ import annotations

from sampark.people.privacy import Subject, scrub_json_column, scrub_text_column
from sampark.warroom.models import Incident, IncidentEvent


def erase(subject: Subject) -> int:
    """Scrub the person from incident titles, claims and timeline data."""
    return (
        scrub_text_column(Incident, "title", subject)
        + scrub_text_column(Incident, "claim", subject)
        + scrub_json_column(IncidentEvent, "data", subject)
    )
