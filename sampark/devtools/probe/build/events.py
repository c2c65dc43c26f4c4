"""Probe events: a season with targets on every unit above the booth, a workshop per district,
registrations of booth units and a gate per event."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.devtools.probe.world import World
from sampark.events.models import (
    Event,
    Gate,
    Question,
    QuestionGroup,
    Registration,
    Season,
    Target,
)
from sampark.geo.enums import Level
from sampark.geo.models import Unit


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    state = next(u for u in units if u.level == Level.STATE)
    season = Season.objects.create(
        name=f"Probeseason {token}",
        kind="district_workshop",
        unit=state,
        starts_on=dt.date(2026, 12, 20),
        ends_on=dt.date(2026, 12, 30),
        band_min=100,
        band_max=200,
    )
    w.seasons[season.id] = season
    Target.objects.bulk_create(
        [Target(season=season, unit=u, target=rng.randint(1, 200)) for u in units]
    )
    start = timezone.now() + dt.timedelta(days=3)
    persons = list(w.persons.values())
    for n, district in enumerate(u for u in units if u.level == Level.DISTRICT):
        event = Event.objects.create(
            season=season,
            kind="district_workshop",
            title=f"Probeevent {token}{n:03d}",
            unit=district,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            capacity=50,
            public_slug=f"prb{token}{n:03d}",
        )
        w.events[event.id] = event
        gate = Gate.objects.create(event=event, name=f"Gate {n}")
        w.gates[gate.id] = gate
        booths = [u for u in units if u.level == Level.BOOTH and u.district_id == district.id]
        for person in rng.sample(persons, k=min(4, len(persons))):
            if not booths:
                break
            reg, _ = Registration.objects.get_or_create(
                event=event,
                person=person,
                defaults={
                    "unit": rng.choice(booths),
                    "status": "confirmed",
                    "source": "app",
                },
            )
            w.registrations[reg.id] = reg
        group = QuestionGroup.objects.create(
            event=event, text=f"Probequestion {token}{n:03d}", status="approved", asked=1
        )
        w.question_groups[group.id] = group
        asker = next((r for r in w.registrations.values() if r.event_id == event.id), None)
        if asker is not None:
            Question.objects.create(
                event=event,
                group=group,
                person_id=asker.person_id,
                unit_id=asker.unit_id,
                text=group.text,
                source="app",
            )
