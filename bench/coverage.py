"""Coverage benchmark at full UP scale (issue #2).

`sampark bench coverage --json` runs `measure()` once per database in a child process (the
database is chosen by DATABASE_URL at start-up), building the full-scale database the first
time and reusing it afterwards, and prints the medians side by side.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.child import run_child

REPEAT = 15


def timed_ms(func: Callable[[], object], *, repeat: int = REPEAT) -> float:
    """Median wall time of `func` in milliseconds (one warm-up call first)."""
    func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def ensure_full_scale() -> float | None:
    """Build the full-scale demo unless it is there; returns the build time when it built."""
    from django.core.management import call_command

    from sampark.people.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    if Person.objects.filter(source="demo").count() > 500_000:
        return None
    if Person.objects.exists():
        raise SystemExit("bench database holds a smaller demo; drop it (see README) and rerun")
    from sampark.devtools import demo

    started = time.perf_counter()
    demo.load(scale="full")
    return round(time.perf_counter() - started, 1)


def measure() -> dict[str, Any]:
    """Medians of the roll-ups, the drill-down and the dashboard page on the current database."""
    from django.db import connection
    from django.db.models import Count, Q, Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sampark.accounts.models import User
    from sampark.analytics import selectors as coverage_selectors
    from sampark.geo.enums import Level
    from sampark.geo.models import Unit
    from sampark.people.models import Assignment

    build_s = ensure_full_scale()
    state = Unit.objects.get(path="UP")
    districts = list(Unit.objects.filter(level=Level.DISTRICT).order_by("number"))
    biggest = max(
        districts, key=lambda d: Unit.objects.filter(level=Level.BOOTH, district=d).count()
    )

    def baseline_scan() -> object:
        # The floor: one pass over the booth rows with no grouping.
        return Unit.objects.filter(level=Level.BOOTH).aggregate(n=Count("id"), v=Sum("volunteers"))

    def naive_rollup() -> object:
        # What the roll-up would cost without the staffing counter: group the assignments.
        return list(
            Assignment.objects.filter(status="verified", kind__counts_toward_staffing=True)
            .values("unit__district_id")
            .annotate(n=Count("id"), booths=Count("unit_id", distinct=True))
        )

    def rollup_districts() -> object:
        return coverage_selectors.coverage(unit=state)

    def rollup_acs() -> object:
        return coverage_selectors.coverage_by_level(unit=state, level=Level.AC)

    def drilldown() -> object:
        return coverage_selectors.coverage(unit=biggest)

    head = User.objects.filter(roles__role="state_head").first()
    page_ms = page_queries = None
    if head is not None:
        client = Client()
        client.force_login(head)
        url = f"/units/{state.id}/"
        page_ms = timed_ms(lambda: client.get(url), repeat=7)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        page_queries = len(ctx.captured_queries)

    baseline = timed_ms(baseline_scan)
    figures: dict[str, Any] = {
        "vendor": connection.vendor,
        "booths": Unit.objects.filter(level=Level.BOOTH).count(),
        "volunteers": Unit.objects.filter(level=Level.BOOTH).aggregate(v=Sum("volunteers"))["v"],
        "booths_full": Unit.objects.filter(Q(level=Level.BOOTH) & Q(volunteers__gte=5)).count(),
        "build_full_s": build_s,
        "baseline_scan_ms": baseline,
        "naive_rollup_ms": timed_ms(naive_rollup, repeat=5),
        "rollup_ms": timed_ms(rollup_districts),
        "rollup_ac_ms": timed_ms(rollup_acs),
        "drilldown_ms": timed_ms(drilldown),
        "drilldown_unit": biggest.path,
        "page_ms": page_ms,
        "page_queries": page_queries,
    }
    figures["rollup_vs_scan"] = round(figures["rollup_ms"] / baseline, 2) if baseline else None
    figures["naive_vs_rollup"] = (
        round(figures["naive_rollup_ms"] / figures["rollup_ms"], 1)
        if figures["rollup_ms"]
        else None
    )
    return figures


def run(*, sqlite_path: Path, postgres_url: str | None) -> dict[str, Any]:
    """Measure on SQLite and (when given) PostgreSQL; the flat keys are the issue's contract."""
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    results = {"sqlite": run_child("coverage-one", database_url=f"sqlite:///{sqlite_path}")}
    if postgres_url:
        results["postgres"] = run_child("coverage-one", database_url=postgres_url)
    flat: dict[str, Any] = {
        "booths": results["sqlite"]["booths"],
        "volunteers": results["sqlite"]["volunteers"],
    }
    for vendor, figures in results.items():
        flat[f"rollup_ms_{vendor}"] = figures["rollup_ms"]
        flat[f"rollup_ac_ms_{vendor}"] = figures["rollup_ac_ms"]
        flat[f"drilldown_ms_{vendor}"] = figures["drilldown_ms"]
        flat[f"page_ms_{vendor}"] = figures["page_ms"]
    flat["details"] = results
    return flat
