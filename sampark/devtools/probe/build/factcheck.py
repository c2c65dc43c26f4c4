"""Fact-checks for the probe (public knowledge: outside only for who may not read them)."""

from __future__ import annotations

from sampark.devtools.probe.world import World
from sampark.factcheck.models import FactCheck


def build(w: World, *, token: str) -> None:
    for n in range(4):
        fc = FactCheck.objects.create(
            url=f"https://factcheck.example/probe-{token}-{n}",
            claim_reviewed=f"Probeclaim {token}{n:02d} about a viral video",
            rating="False",
            verdict="false",
            publisher="Probe Checkers",
        )
        w.factchecks[fc.id] = fc
