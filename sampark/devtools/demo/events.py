"""Demo events: the district workshop season (20–30 Dec) planned by the state head, so every
district has a target down to the booth and a proposed day; two districts' workshops open with
registrations of their booth volunteers, a gate each and part of them checked in."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.accounts.models import User
from sampark.events import services
from sampark.events.models import Event, Gate, Registration, Season
from sampark.people.models import Assignment

REGISTRANTS = 300


def load(*, rng: random.Random) -> None:
    head = User.objects.filter(username="state-head").first()
    if head is None or Season.objects.filter(name="District workshops (demo)").exists():
        return
    year = timezone.now().year
    season = services.season_create(
        actor=head,
        name="District workshops (demo)",
        kind="district_workshop",
        starts_on=dt.date(year, 12, 20),
        ends_on=dt.date(year, 12, 30),
        band_min=2500,
        band_max=5000,
    )
    events = list(Event.objects.filter(season=season).order_by("unit__number")[:2])
    for event in events:
        Event.objects.filter(id=event.id).update(status="open")
        people = list(
            Assignment.objects.filter(unit__district_id=event.unit_id, person__source="demo")
            .values_list("person_id", flat=True)
            .distinct()[:REGISTRANTS]
        )
        for person_id in people:
            services.registration_create(event_id=event.id, person_id=person_id, source="app")
        gate = Gate.objects.create(event=event, name="Gate 1")
        regs = list(Registration.objects.filter(event=event).select_related("ticket"))
        came = [r for r in regs if rng.random() < 0.6]
        services.scans_sync(
            gate_id=gate.id,
            scans=[
                services.ScanIn(f"demo-{r.id}", r.ticket.code, event.starts_at)
                for r in came[: services.MAX_SCANS_PER_SYNC]
            ],
        )
