"""The war room's worker step (SAMPARK_WORKER_STEPS["warroom"]).

The war room pulls what listening raised: an incident for each fresh alert and for each tip
that got no automatic reply. Monitoring sits below the war room and never calls it. Then it
escalates incidents past their SLA deadline and posts published responses on the official
accounts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from sampark.monitoring import selectors as monitoring_selectors
from sampark.monitoring import services as monitoring_services
from sampark.warroom import official
from sampark.warroom.enums import IncidentState
from sampark.warroom.models import Incident
from sampark.warroom.services import incidents as incident_services

logger = logging.getLogger(__name__)

INTAKE_HOURS = 24
INTAKE_BATCH = 20


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: open incidents for new alerts and tips, escalate overdue incidents, and
    post published responses on the official accounts."""

    def step() -> int:
        return (
            open_from_alerts()
            + open_from_tips()
            + incident_services.sla_check()
            + official.post_pending()
        )

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


def open_from_tips(*, hours: int = INTAKE_HOURS, limit: int = INTAKE_BATCH) -> int:
    """Open (and triage) an incident for each recent tip that got no automatic reply.

    Each tip is handed over and its incident opened in one transaction: a worker killed in
    between leaves the tip for the next round, and the hand-over (first caller wins) with the
    incident's uniqueness per post means no tip is opened twice. A tip whose incident cannot be
    opened is logged and not tried again.
    """
    since = timezone.now() - dt.timedelta(hours=hours)
    opened = 0
    for post_id in monitoring_selectors.tip_ids_for_war_room(since=since, limit=limit):
        try:
            with transaction.atomic():
                if monitoring_services.tip_hand_over(post_id=post_id):
                    incident_services.incident_open_from_tip(post_id=post_id)
                    opened += 1
        except Exception:
            logger.exception("incident for tip %s not opened", post_id)
            monitoring_services.tip_hand_over(post_id=post_id)
    return opened
