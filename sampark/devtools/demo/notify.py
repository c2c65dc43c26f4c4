"""Demo notifications: a directive from the state head to every district (due tomorrow), one
incident past its SLA that nobody took, then one pass of the notify step's pulls, so the state
head's, the analyst's and the district in-charges' inboxes have items in `make demo`.

Run after the war-room demo: the notifications are made by the real pulls, in scope.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sampark.accounts.models import User
from sampark.directives import services as directive_services
from sampark.notify import pull
from sampark.notify.models import Notification
from sampark.warroom.models import Incident
from sampark.warroom.services import incidents as incident_services


def load(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Idempotent: nothing when any notification exists."""
    if Notification.objects.exists():
        return {}
    now = now or timezone.now()
    head = User.objects.get(username="state-head")
    directive_services.directive_send(
        sender=head,
        title="बूथ समितियों की सूची भेजें",
        body="हर ज़िला अपने सभी बूथों की समिति सूची कल तक भेजे।",
        due=timezone.localdate(now) + dt.timedelta(days=1),
        level="district",
    )
    late = (
        Incident.objects.filter(assignee=None, escalated_at=None)
        .exclude(state="closed")
        .order_by("-severity", "id")
        .first()
    )
    if late is not None:
        Incident.objects.filter(id=late.id).update(sla_due_at=now - dt.timedelta(minutes=5))
        incident_services.sla_check(now=now)
    made = {
        "incidents": pull.new_incidents(),
        "pages": pull.pages(now=now),
        "directives": pull.new_directives(),
        "reminders": pull.directive_reminders(now=now),
        "approvals": pull.approvals(now=now),
    }
    return {**made, "notifications": Notification.objects.count()}
