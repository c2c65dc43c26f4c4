"""The war room's worker step (SAMPARK_WORKER_STEPS["warroom"]).

The war room pulls what listening raised: an incident for each fresh alert. Then it escalates
incidents past their SLA deadline and posts published responses on the official accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from sampark.monitoring import selectors as monitoring_selectors
from sampark.warroom import official
from sampark.warroom.enums import IncidentState
from sampark.warroom.models import Incident
from sampark.warroom.services import incidents as incident_services

INTAKE_HOURS = 24
INTAKE_BATCH = 20


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: open incidents for new alerts, escalate overdue incidents, and post
    published responses on the official accounts."""

    def step() -> int:
        return open_from_alerts() + incident_services.sla_check() + official.post_pending()

    return step


def open_from_alerts(*, hours: int = INTAKE_HOURS, limit: int = INTAKE_BATCH) -> int:
    """Open (and triage) an incident for each recent listening alert that has none yet.

    Alerts are the listening pipeline's "this is spreading" signal; the war room must see them
    without anyone clicking. Opening is idempotent per alert (a unique constraint), so two
    workers racing here open one incident.
    """
    since = timezone.now() - dt.timedelta(hours=hours)
    open_narratives = Incident.objects.filter(narrative__isnull=False).exclude(
        state=IncidentState.CLOSED
    )
    fresh = monitoring_selectors.alert_ids_since(
        since=since,
        limit=limit,
        exclude_ids=Incident.objects.filter(alert__isnull=False).values("alert_id"),
        # An alert on a narrative that already has an open incident adds nothing to the queue.
        exclude_narrative_ids=open_narratives.values("narrative_id"),
    )
    for alert_id in fresh:
        incident_services.incident_open_from_alert(alert_id=alert_id)
    return len(fresh)
