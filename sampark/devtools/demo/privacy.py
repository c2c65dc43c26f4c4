"""Demo data requests, so the grievance officer's queue (/people/requests/) has rows: a few
downloads and withdrawals done, a correction done, erasures waiting (one overdue)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.people import rights
from sampark.people.enums import RequestKind, RequestStatus, RequestVia
from sampark.people.models import DataRequest, Person


def load(*, rng: random.Random) -> int:
    """Six requests of random demo persons; returns how many were made."""
    ids = list(Person.objects.filter(source="demo").values_list("id", flat=True)[:2000])
    if not ids or DataRequest.objects.exists():
        return 0
    now = timezone.now()
    plan = [
        (RequestKind.ACCESS, RequestStatus.DONE, 40),
        (RequestKind.WITHDRAWAL, RequestStatus.DONE, 20),
        (RequestKind.CORRECTION, RequestStatus.DONE, 12),
        (RequestKind.ERASURE, RequestStatus.RECEIVED, 3),
        (RequestKind.ERASURE, RequestStatus.RECEIVED, 95),
        (RequestKind.ACCESS, RequestStatus.DONE, 1),
    ]
    for kind, status, days_ago in plan:
        person = Person.objects.select_related("home_unit").get(id=rng.choice(ids))
        received = now - dt.timedelta(days=days_ago)
        DataRequest.objects.create(
            person=person,
            unit=person.home_unit,
            kind=kind,
            status=status,
            via=rng.choice([RequestVia.APP, RequestVia.PUBLIC]),
            received_at=received,
            due_at=rights.due_at(received),
            handled_at=received + dt.timedelta(hours=1) if status == RequestStatus.DONE else None,
            outcome="demo" if status == RequestStatus.DONE else "",
        )
    return len(plan)
