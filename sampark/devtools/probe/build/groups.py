"""Booth groups for the probe."""

from __future__ import annotations

import random

from django.utils import timezone

from sampark.devtools.probe.world import World
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.groups.models import Group as BoothGroup
from sampark.groups.models import GroupJoin, MemberCountReport


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Booth groups on random booths, some with admins, a count history and a citizen join."""
    booths = [u for u in units if u.level == Level.BOOTH]
    persons = list(w.persons.values())
    for n in range(8):
        booth = rng.choice(booths)
        g = BoothGroup.objects.create(
            booth=booth,
            platform="whatsapp",
            name=f"Probeboothgroup {token}{n:02d}",
            cap=1024,
            member_count=40 + n,
            invite_link=f"https://chat.whatsapp.com/Probe{token}{n:02d}".ljust(40, "x"),
            join_token=f"probetoken{token}{n:02d}",
            archived_at=timezone.now() if n == 7 else None,
        )
        if persons and rng.random() < 0.6:
            g.admins.set(rng.sample(persons, k=min(len(persons), rng.randint(1, 2))))
        MemberCountReport.objects.create(group=g, count=40 + n, delta=40 + n)
        if persons:
            GroupJoin.objects.create(group=g, person=rng.choice(persons))
        w.booth_groups[g.id] = g
