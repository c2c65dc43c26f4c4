"""War-room objects for the probe.

Incidents and shifts on random units, a response per incident (authored by a random user),
templates on random units and one for everyone. The registry decides what lies outside a viewer.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sampark.devtools.probe.world import World
from sampark.geo.models import Unit
from sampark.warroom.enums import IncidentOrigin, Language
from sampark.warroom.models import Incident, ResponseTemplate, Shift
from sampark.warroom.models import Response as WarroomResponse


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    users = [u for u in w.users.values() if u.unit_id is not None]
    now = timezone.now()
    for n in range(6):
        incident = Incident.objects.create(
            unit=rng.choice(units),
            title=f"Probeincident {token}{n:02d}",
            claim=f"Probeclaim {token}{n:02d}",
            origin=IncidentOrigin.MANUAL,
            sla_due_at=now + dt.timedelta(hours=1),
        )
        w.incidents[incident.id] = incident
        response = WarroomResponse.objects.create(
            incident=incident,
            author=rng.choice(users),
            text_hi=f"Proberesponse {token}{n:02d}",
        )
        w.responses[response.id] = response
    for n in range(4):
        template = ResponseTemplate.objects.create(
            name=f"Probetemplate {token}{n:02d}",
            language=Language.HINDI,
            body="{claim}",
            unit=None if n == 0 else rng.choice(units),
        )
        w.templates[template.id] = template
    for n in range(4):
        start = now - dt.timedelta(hours=4 - n)
        shift = Shift.objects.create(
            unit=rng.choice(units),
            user=rng.choice(users),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=8),
            handover_note=f"Probehandover {token}{n:02d}",
        )
        w.shifts[shift.id] = shift
