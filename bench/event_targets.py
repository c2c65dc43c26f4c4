"""Target cascade benchmark at full UP scale (issue #14): `sampark bench targets --json`.

On PostgreSQL (a child process bound to the benchmark database, the real UP tree imported from
shared/data/geo-up the first time): the cascade for every district down to every booth, in
memory, and the rebuild that also stores it. Medians of 5, with the tree read alone as the
same-process baseline.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.child import run_child

REPEAT = 5


def _median_s(func: Callable[[], object]) -> float:
    func()
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples), 3)


def measure() -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command

    from sampark.events import services, tree
    from sampark.events.models import Season
    from sampark.events.targets import Band
    from sampark.geo.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    if not Unit.objects.filter(path="UP").exists():
        from sampark.geo.importer import import_state

        import_state(
            state="UP", data_dir=Path(settings.DATA_DIR) / "geo-up", name=None, name_hi=None
        )
    state = Unit.objects.get(path="UP")
    season, _ = Season.objects.get_or_create(
        name="bench",
        defaults={
            "kind": "district_workshop",
            "unit": state,
            "starts_on": dt.date(2026, 12, 20),
            "ends_on": dt.date(2026, 12, 30),
            "band_min": 2500,
            "band_max": 5000,
        },
    )
    band = Band(2500, 5000)
    computed = services.targets_compute(state=state, kind="district_workshop", band=band)
    booths = [v for u, v in computed.targets.items() if u in computed.booth_ids]
    return {
        "units": len(computed.targets),
        "booths": len(booths),
        "districts": len(computed.hosts),
        "state_total": sum(computed.targets[h.unit_id] for h in computed.hosts),
        "booth_total": sum(booths),
        "read_tree_s": _median_s(lambda: tree.load(state=state, host_level="district")),
        "cascade_s": _median_s(
            lambda: services.targets_compute(state=state, kind="district_workshop", band=band)
        ),
        "rebuild_stored_s": _median_s(lambda: services.targets_rebuild(season=season)),
    }


def run(*, postgres_url: str) -> dict[str, Any]:
    figures = run_child("targets-one", database_url=postgres_url)
    return {**figures, "database": "postgresql", "budget_s": 5.0}
