"""The war room's worker step (SAMPARK_WORKER_STEPS["warroom"]).

One way in (issue #17): the intake pulls every signal listening raised — a fresh alert, a tip
that got no automatic reply, a narrative's new "auto" fact-check match — and opens or links an
incident for each, idempotent per signal (`Intake`, unique per signal, written in the same
transaction as the incident). Monitoring and factcheck sit below the war room and never call
it. Then it escalates incidents past their SLA deadline and posts published responses on the
official accounts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sampark.factcheck import selectors as factcheck_selectors
from sampark.monitoring import selectors as monitoring_selectors
from sampark.monitoring import services as monitoring_services
from sampark.warroom import official
from sampark.warroom.models import Incident, Intake
from sampark.warroom.services import incidents as incident_services

logger = logging.getLogger(__name__)

INTAKE_HOURS = 24
INTAKE_BATCH = 20


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: take new signals in, escalate overdue incidents, and post published
    responses on the official accounts."""

    def step() -> int:
        return intake() + incident_services.sla_check() + official.post_pending()

    return step


def intake(*, hours: int = INTAKE_HOURS, limit: int = INTAKE_BATCH) -> int:
    """Take in the new alerts, tips and auto matches of the last `hours`; returns how many."""
    since = timezone.now() - dt.timedelta(hours=hours)
    return (
        open_from_alerts(since=since, limit=limit)
        + open_from_tips(since=since, limit=limit)
        + open_from_matches(since=since, limit=limit)
    )


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=INTAKE_HOURS)


def _taken(kind: str) -> QuerySet[Intake, Any]:
    return Intake.objects.filter(kind=kind).values("ref_id")


def _take(kind: str, ref_id: int, open_it: Callable[[], Incident | None]) -> bool:
    """Record the signal and open (or link) its incident in one transaction; False when the
    signal was taken already. A signal whose incident cannot be opened is recorded with the
    error and not tried again."""
    try:
        with transaction.atomic():
            taken = Intake.objects.create(kind=kind, ref_id=ref_id)
            incident = open_it()
            if incident is None:
                Intake.objects.filter(id=taken.id).update(note="not for the war room")
            else:
                Intake.objects.filter(id=taken.id).update(incident=incident)
    except IntegrityError:
        return False  # another worker took it
    except Exception as exc:
        logger.exception("war-room intake of %s %s failed", kind, ref_id)
        try:
            with transaction.atomic():
                Intake.objects.create(kind=kind, ref_id=ref_id, note=str(exc)[:300])
        except IntegrityError:
            pass
        return False
    return True


def open_from_alerts(*, since: dt.datetime | None = None, limit: int = INTAKE_BATCH) -> int:
    """An incident for each recent listening alert (an open incident on its story is linked)."""
    fresh = monitoring_selectors.alert_ids_since(
        since=since or _since(), limit=limit, exclude_ids=_taken(Intake.Kind.ALERT)
    )

    def opener(alert_id: int) -> Callable[[], Incident]:
        return lambda: incident_services.incident_open_from_alert(alert_id=alert_id)[0]

    return sum(_take(Intake.Kind.ALERT, a, opener(a)) for a in fresh)


def open_from_tips(*, since: dt.datetime | None = None, limit: int = INTAKE_BATCH) -> int:
    """An incident for each recent tip that got no automatic reply. The tip is handed over in
    the same transaction (first caller wins), so it is opened once and never lost."""

    def opener(post_id: int) -> Callable[[], Incident | None]:
        def open_it() -> Incident | None:
            if not monitoring_services.tip_hand_over(post_id=post_id):
                return None
            return incident_services.incident_open_from_tip(post_id=post_id)[0]

        return open_it

    fresh = monitoring_selectors.tip_ids_for_war_room(
        since=since or _since(), limit=limit, exclude_ids=_taken(Intake.Kind.TIP)
    )
    return sum(_take(Intake.Kind.TIP, p, opener(p)) for p in fresh)


def open_from_matches(*, since: dt.datetime | None = None, limit: int = INTAKE_BATCH) -> int:
    """A narrative that reached the "auto" band with a fact-check (when born, or matched back
    when the fact-check was published) opens an incident, or is re-triaged on the open one of
    its story, so the best match and its verdict are in front of the war room."""
    fresh = factcheck_selectors.auto_matches_since(
        since=since or _since(), limit=limit, exclude_ids=_taken(Intake.Kind.MATCH)
    )
    live = monitoring_selectors.narratives_live(narrative_ids=[n for _m, n in fresh])

    def opener(narrative_id: int) -> Callable[[], Incident | None]:
        def open_it() -> Incident | None:
            if narrative_id not in live:
                return None  # muted or organisational: counted, never an incident
            incident, created = incident_services.incident_open_from_narrative(
                narrative_id=narrative_id
            )
            if not created:
                incident_services.incident_retriage(incident_id=incident.id)
            return incident

        return open_it

    return sum(_take(Intake.Kind.MATCH, m, opener(n)) for m, n in fresh)
