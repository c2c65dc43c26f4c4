"""War-room objects for the randomized scope probe (`sampark.devtools.probe`).

Incidents and shifts on random units, a response per incident (authored by a random user),
templates on random units and one for everyone. Made directly with the ORM, like the probe's
other objects; the probe's registry decides what lies outside a viewer.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.warroom.enums import IncidentOrigin, Language
from sampark.warroom.models import Incident, Response, ResponseTemplate, Shift


@dataclass
class ProbeObjects:
    incidents: dict[int, Incident] = field(default_factory=dict)
    responses: dict[int, Response] = field(default_factory=dict)
    templates: dict[int, ResponseTemplate] = field(default_factory=dict)
    shifts: dict[int, Shift] = field(default_factory=dict)


def build(*, rng: random.Random, units: list[Unit], users: list[User], token: str) -> ProbeObjects:
    out = ProbeObjects()
    now = timezone.now()
    for n in range(6):
        incident = Incident.objects.create(
            unit=rng.choice(units),
            title=f"Probeincident {token}{n:02d}",
            claim=f"Probeclaim {token}{n:02d}",
            origin=IncidentOrigin.MANUAL,
            sla_due_at=now + dt.timedelta(hours=1),
        )
        out.incidents[incident.id] = incident
        response = Response.objects.create(
            incident=incident,
            author=rng.choice(users),
            text_hi=f"Proberesponse {token}{n:02d}",
        )
        out.responses[response.id] = response
    for n in range(4):
        template = ResponseTemplate.objects.create(
            name=f"Probetemplate {token}{n:02d}",
            language=Language.HINDI,
            body="{claim}",
            unit=None if n == 0 else rng.choice(units),
        )
        out.templates[template.id] = template
    for n in range(4):
        start = now - dt.timedelta(hours=4 - n)
        shift = Shift.objects.create(
            unit=rng.choice(units),
            user=rng.choice(users),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=8),
            handover_note=f"Probehandover {token}{n:02d}",
        )
        out.shifts[shift.id] = shift
    return out
