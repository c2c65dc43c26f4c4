"""Strength-against-results benchmark at full UP scale (issue #16).

`sampark bench results --json` runs `measure()` once per database in a child process (as the
coverage benchmark does), on the full-scale demo with the UP results imported and the strength
snapshot written, and prints medians: the state page by district and by AC (target ≤ 500 ms
server time), a district and an AC page (with its booth grid), the map data, the trends JSON of
the state and a district over 90 days, the snapshot refresh, and the floor of
one scan over the snapshot's rows in the same process; then the morning brief for the state (target ≤ 30 s)
and for all 75 districts (target ≤ 5 min).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.child import run_child
from bench.coverage import ensure_full_scale, timed_ms


def _prepare() -> dict[str, Any]:
    from django.conf import settings

    from sampark.results import selectors, services

    figures: dict[str, Any] = {"build_full_s": ensure_full_scale()}
    if not selectors.elections(state="UP").exists():
        report = services.import_results(data_dir=Path(settings.DATA_DIR) / "geo-up", party="BJP")
        figures["import_s"] = round(report.seconds, 1)
    started = time.perf_counter()
    figures["refresh_booths"] = services.refresh_strength(state="UP")
    figures["refresh_s"] = round(time.perf_counter() - started, 1)
    return figures


def measure() -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Avg, Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sampark.accounts.models import User
    from sampark.geo.enums import Level
    from sampark.geo.models import Unit
    from sampark.results.models import BoothStrength

    figures = _prepare()
    state = Unit.objects.get(path="UP")
    district = max(
        Unit.objects.filter(level=Level.DISTRICT),
        key=lambda d: BoothStrength.objects.filter(district_id=d.id).count(),
    )
    ac = Unit.objects.filter(level=Level.AC, district=district).order_by("number").first()
    assert ac is not None
    head = User.objects.filter(roles__role="state_head").first()
    assert head is not None, "the full demo has a state head"
    client = Client()
    client.force_login(head)

    def page(url: str) -> float:
        assert client.get(url).status_code == 200
        return timed_ms(lambda: client.get(url), repeat=7)

    base = f"/results/units/{state.id}/"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(base + "?by=ac").status_code == 200
    figures.update(
        {
            "vendor": connection.vendor,
            "booths": BoothStrength.objects.count(),
            "baseline_scan_ms": timed_ms(
                lambda: BoothStrength.objects.aggregate(n=Count("booth_id"), s=Avg("score"))
            ),
            "state_page_ms": page(base),
            "state_page_by_ac_ms": page(base + "?by=ac"),
            "state_page_queries": len(ctx.captured_queries),
            "state_map_ms": page(f"/results/units/{state.id}/map.geojson?by=ac"),
            "district_page_ms": page(f"/results/units/{district.id}/"),
            "district": district.path,
            "ac_page_ms": page(f"/results/units/{ac.id}/"),
            # Trends (issue #16 item 3): every series of the state and of a district, 90 days.
            "state_trends_90_ms": page(f"/results/units/{state.id}/series.json?days=90"),
            "district_trends_90_ms": page(f"/results/units/{district.id}/series.json?days=90"),
            "ac_page_queries": _queries(client, f"/results/units/{ac.id}/"),
        }
    )
    figures.update(_briefs())
    return figures


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def _briefs() -> dict[str, Any]:
    """The morning brief written afresh for the state head, then for an in-charge of each of
    the 75 districts (made here if the demo has none), PDF included."""
    from django.utils import timezone

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.geo.enums import Level
    from sampark.geo.models import Unit
    from sampark.results import services
    from sampark.results.models import Brief

    Brief.objects.filter(day=timezone.localdate()).delete()
    head = User.objects.filter(roles__role="state_head").order_by("id").first()
    assert head is not None
    started = time.perf_counter()
    services.brief_for(user=head)
    state_s = time.perf_counter() - started
    users = []
    for district in Unit.objects.filter(level=Level.DISTRICT).order_by("number"):
        user, created = User.objects.get_or_create(
            username=f"bench-brief-{district.number}", defaults={"unit": district}
        )
        if created:
            RoleGrant.objects.create(user=user, role=Role.DISTRICT_INCHARGE)
        users.append(user)
    started = time.perf_counter()
    for user in users:
        services.brief_for(user=user)
    return {
        "brief_state_s": round(state_s, 2),
        "brief_districts": len(users),
        "brief_districts_s": round(time.perf_counter() - started, 1),
    }


def run(*, sqlite_path: Path, postgres_url: str | None) -> dict[str, Any]:
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    results = {"sqlite": run_child("results-one", database_url=f"sqlite:///{sqlite_path}")}
    if postgres_url:
        results["postgres"] = run_child("results-one", database_url=postgres_url)
    flat: dict[str, Any] = {"booths": results["sqlite"]["booths"]}
    for vendor, figures in results.items():
        for key in (
            "state_page_ms",
            "state_page_by_ac_ms",
            "district_page_ms",
            "ac_page_ms",
            "state_trends_90_ms",
        ):
            flat[f"{key}_{vendor}"] = figures[key]
        flat[f"refresh_s_{vendor}"] = figures["refresh_s"]
        flat[f"brief_state_s_{vendor}"] = figures["brief_state_s"]
        flat[f"brief_districts_s_{vendor}"] = figures["brief_districts_s"]
    flat["details"] = results
    return flat
