"""A probe run: build the world, discover, probe, check roll-ups, roll everything back."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import override_settings

from sampark.devtools.probe import scoped
from sampark.devtools.probe.build import build_world
from sampark.devtools.probe.discovery import Endpoint, discover
from sampark.devtools.probe.prober import Call, Prober, copy_request, who
from sampark.devtools.probe.registry import KINDS, REGISTRY, UNSCOPED, make_viewer
from sampark.devtools.probe.world import Sizes
from sampark.geo.enums import Level


@dataclass
class ProbeReport:
    probes: int
    leaks: list[str]
    endpoints: list[str]  # the probed routes ("/directives/<int:directive_id>/")
    methods: dict[str, list[str]] = field(default_factory=dict)
    unprobed: list[str] = field(default_factory=list)  # routes with nothing to put an id in
    unregistered: list[str] = field(default_factory=list)
    aggregates: int = 0
    figures: int = 0  # narrative figures checked against the visible posts
    writes: int = 0  # writes to state-wide objects tried from below the state
    validation_first: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    users: int = 0
    objects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    seed: int = 0


def _aggregate_probes(prober: Prober, endpoints: list[Endpoint], leaks: list[str]) -> int:
    """Roll-ups for a user's own unit must count exactly the booths of their subtree.

    Every JSON endpoint addressed by one unit (e.g. /api/analytics/coverage/{unit_id}) is asked
    for each user's own unit; where the answer carries `booths_total`, it is compared with a
    count made here from the Unit rows of the subtree.
    """
    w = prober.world
    done = 0
    candidates = [
        e
        for e in endpoints
        if e.ninja
        and "GET" in e.methods
        and len(e.params) == 1
        and REGISTRY.get(e.params[0].name) == "unit"
    ]
    for endpoint in candidates:
        for viewer in prober.viewers:
            if viewer.root is None:
                continue
            url = prober.url(endpoint, {endpoint.params[0].name: str(viewer.root.id)})
            result = prober.request(
                viewer, Call("GET", url, copy_request(endpoint.requests["GET"]))
            )
            if isinstance(result, str):
                leaks.append(f"GET {url} as {who(viewer)} -> exception {result}")
                continue
            if result.status != 200 or not result.is_json:
                continue
            found = _find_key(json.loads(result.text), "booths_total")
            if found is None:
                continue
            done += 1
            expected = sum(1 for i in viewer.subtree if w.units[i].level == Level.BOOTH)
            if found != expected:
                leaks.append(
                    f"GET {url} as {who(viewer)} -> booths_total {found}, expected {expected}"
                )
    return done


def _find_key(data: Any, key: str) -> Any:
    """The first value under `key`, searching nested objects (not list items past the first)."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for value in data.values():
            found = _find_key(value, key)
            if found is not None:
                return found
    if isinstance(data, list) and data:
        return _find_key(data[0], key)
    return None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Thousands of expected 404s would flood the log; leaks are in the report instead."""
    loggers = [logging.getLogger(n) for n in ("django.request", "django.security", "ninja")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def run_probe(*, probes: int, seed: int, sizes: Sizes | None = None) -> ProbeReport:
    """Build a random world, probe every endpoint with out-of-scope ids, roll everything back."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    with (
        _quiet(),
        tempfile.TemporaryDirectory(prefix="sampark-probe-") as media,
        override_settings(
            MEDIA_ROOT=media,
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
            # Sessions in signed cookies: one query less per request, same login semantics.
            SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        ),
        transaction.atomic(),
    ):
        report = _run(probes=probes, seed=seed, rng=rng, sizes=sizes or Sizes())
        transaction.set_rollback(True)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _run(*, probes: int, seed: int, rng: random.Random, sizes: Sizes) -> ProbeReport:
    world = build_world(rng=rng, sizes=sizes)
    viewers = [make_viewer(world, u) for u in world.users.values()]
    prober = Prober(world=world, viewers=viewers, rng=rng)
    endpoints = discover()

    unregistered: list[str] = []
    probed: list[Endpoint] = []
    unprobed: list[str] = []
    for e in endpoints:
        missing = [n for n in e.int_params if n not in REGISTRY and n not in UNSCOPED]
        unregistered += [
            f"add parameter {n!r} to the probe registry (sampark.devtools.probe.registry.REGISTRY); "
            f"it is used by /{e.route}"
            for n in missing
        ]
        if not missing and e.probed():
            probed.append(e)
        elif not missing:
            unprobed.append(e.label())

    count = 0
    attempts = 0
    while probed and count < probes and attempts < probes * 20:
        attempts += 1
        endpoint = rng.choice(probed)
        for method in endpoint.methods:
            targets = endpoint.targets(method)
            if targets and prober.probe_one(
                endpoint, method, rng.choice(viewers), rng.choice(targets)
            ):
                count += 1
    for endpoint in probed:
        for method in endpoint.methods:
            prober.reach(endpoint, method)

    leaks = [f"UNREGISTERED: {u}" for u in unregistered] + prober.leaks
    aggregates = _aggregate_probes(prober, endpoints, leaks)
    figures = scoped.check_figures(prober, leaks)
    writes = scoped.check_writes(prober, leaks)
    return ProbeReport(
        probes=count,
        leaks=leaks,
        endpoints=[f"/{e.route}" for e in probed],
        methods={f"/{e.route}": list(e.methods) for e in probed},
        unprobed=unprobed,
        unregistered=unregistered,
        aggregates=aggregates,
        figures=figures,
        writes=writes,
        validation_first=sorted(prober.validation_first),
        unreached=sorted(
            f"{m} /{e.route}"
            for e in probed
            for m in e.methods
            if f"{m} /{e.route}" in prober.tried and f"{m} /{e.route}" not in prober.reached
        ),
        users=len(viewers),
        objects={name: len(kind.ids(world)) for name, kind in KINDS.items()},
        seed=seed,
    )
