"""Probe results: an election with a result for every unit and a strength snapshot, so the
results pages (addressed by `unit_id`, the `unit` kind) show names the probe can catch leaking."""

from __future__ import annotations

import random

from django.utils import timezone

from sampark.devtools.probe.world import World
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.results.models import BoothStrength, Election, Result


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    state = next((u for u in units if u.level == Level.STATE), None)
    if state is None:
        return
    election, _ = Election.objects.get_or_create(
        state_code=state.path, year=2014, kind="ls", defaults={"org_party": "P1"}
    )
    rows, snapshot = [], []
    now = timezone.now()
    for unit in units:
        total = rng.randint(500, 900)
        own = rng.randint(0, total // 2)
        rows.append(
            Result(
                election=election,
                unit=unit,
                level=unit.level,
                total=total,
                votes={"P1": own, "P2": total - own},
                winner="P1" if own * 2 > total else "P2",
                org_votes=own,
                org_margin=own - (total - own),
            )
        )
        if unit.level == Level.BOOTH:
            snapshot.append(
                BoothStrength(
                    booth=unit,
                    state_id=unit.state_id,
                    district_id=unit.district_id,
                    pc_id=unit.pc_id,
                    ac_id=unit.ac_id,
                    score=rng.uniform(0, 100),
                    has_result=True,
                    total=total,
                    org_votes=own,
                    org_margin=own - (total - own),
                    margin_pct=100 * (2 * own - total) / total,
                    computed_at=now,
                )
            )
    Result.objects.bulk_create(rows)
    BoothStrength.objects.bulk_create(snapshot)
