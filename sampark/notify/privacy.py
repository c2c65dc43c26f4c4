"""What staff notifications hold of a person (issue #12, docs/privacy.md): registered with
`people.privacy` in `NotifyConfig.ready`.

Notifications belong to staff users, but their titles and bodies copy what they are about — an
incident's title, a tip's text — which can name a person. The eraser scrubs those; the export
has nothing to add (the person is not the notification's reader)."""

from __future__ import annotations

from typing import Any

from sampark.notify.models import Notification
from sampark.people.privacy import Subject, scrub_text_column


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    return {}


def erase(subject: Subject) -> int:
    return scrub_text_column(Notification, "title", subject) + scrub_text_column(
        Notification, "body", subject
    )
