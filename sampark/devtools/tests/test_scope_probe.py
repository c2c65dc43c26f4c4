"""The randomized scope probe (issue: 0 leaks in at least 10,000 probes)."""

import json
import os
import random
import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils.module_loading import import_string

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.devtools import probe
from sampark.devtools.probe import discovery, prober, registry, world
from sampark.devtools.synthetic import build_tree
from sampark.directives.models import Directive
from sampark.geo.models import Unit
from sampark.monitoring import selectors as monitoring_selectors
from sampark.monitoring import services as monitoring_services
from sampark.people.models import ImportJob, Person

pytestmark = pytest.mark.django_db


def _seed() -> int:
    return int(os.getenv("PROBE_SEED") or random.SystemRandom().randrange(2**31))


def _int_routes(patterns=None, prefix="") -> Iterator[str]:
    """Routes with an <int:...> parameter or a Ninja `{..._id}`, enumerated independently."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _int_routes(p.url_patterns, route)
        elif isinstance(p, URLPattern) and not route.startswith("admin/"):
            converters = p.pattern.converters
            if any(isinstance(c, IntConverter) for c in converters.values()) or (
                route.startswith("api/") and any(n.endswith("_id") for n in converters)
            ):
                yield "/" + route


def test_no_endpoint_leaks_in_10000_probes():
    # given a random tree, random users and objects, and every endpoint of the project
    seed = _seed()
    # when each endpoint is called with ids outside the caller's scope
    report = probe.run_probe(probes=10_000, seed=seed)
    # then nothing leaks, and every endpoint with an id in its route was probed
    assert report.probes >= 10_000
    assert report.leaks == [], f"seed {seed}: {len(report.leaks)} leaks, e.g. {report.leaks[:10]}"
    assert report.endpoints
    missing = set(_int_routes()) - set(report.endpoints)
    assert not missing, f"not probed: {sorted(missing)}"
    assert {"/directives/<int:directive_id>/", "/api/directives/<directive_id>"} <= set(
        report.endpoints
    )
    # and an in-scope object gets an answer somewhere (the probe is not hitting dead routes)
    assert report.unreached == [], f"seed {seed}: {report.unreached}"


@override_settings(ROOT_URLCONF="sampark.devtools.tests.leaky_urls")
def test_probe_catches_unscoped_endpoints():
    # given a urlconf with an unscoped page, an unscoped API endpoint, an unscoped roll-up
    # and a route whose id the registry does not know
    report = probe.run_probe(probes=1000, seed=7)
    # then each one is reported
    leaks = "\n".join(report.leaks)
    assert "/leaky/units/" in leaks
    assert "/leaky-api/persons/" in leaks
    assert "booths_total" in leaks
    assert "shows" in leaks  # the page names the out-of-scope unit
    assert any("widget_id" in u for u in report.unregistered)
    # and the message names the registry where the parameter must be added
    named = re.search(r"probe registry \(([\w.]+)\)", report.unregistered[0])
    assert named is not None
    assert import_string(named[1]) is registry.REGISTRY
    assert any(leak.startswith("UNREGISTERED") for leak in report.leaks)
    assert "/leaky/units/<int:unit_id>/" in report.endpoints


def test_probe_leaves_nothing_behind():
    # given the database before a probe
    before = [m.objects.count() for m in (Unit, User, Person, Directive, ImportJob)]
    # when the probe runs
    report = probe.run_probe(probes=50, seed=3)
    # then everything it made is gone again
    assert report.probes >= 50
    assert [m.objects.count() for m in (Unit, User, Person, Directive, ImportJob)] == before


def test_command_prints_json():
    out = StringIO()
    call_command("security", "probe-scope", "--probes", "60", "--seed", "11", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["probes"] >= 60
    assert body["leaks"] == 0
    assert body["endpoints"] > 0
    assert not Unit.objects.filter(path__startswith=probe.PROBE_CODE).exists()


@override_settings(ROOT_URLCONF="sampark.devtools.tests.leaky_urls")
def test_command_fails_on_leaks():
    out = StringIO()
    with pytest.raises(CommandError, match="leaks"):
        call_command("security", "probe-scope", "--probes", "100", "--seed", "5", stdout=out)
    assert "LEAK" in out.getvalue()


def test_subtree_of_a_pc_is_its_acs_and_below():
    # given a tree where a PC groups ACs of two districts
    tree = build_tree(districts=2, acs_per_district=1)
    units = {u.id: u for u in Unit.objects.all()}
    pc = tree.pcs[0]
    # then the PC's subtree is the PC plus its ACs and everything under them
    expected = {pc.id} | {
        u.id for u in units.values() if u.ac_id in {a.id for a in tree.acs if a.pc_id == pc.id}
    }
    expected |= {a.id for a in tree.acs if a.pc_id == pc.id}
    assert world.subtree_of(pc, units) == expected
    assert world.subtree_of(tree.state, units) == set(units)


@pytest.mark.parametrize(
    ("body", "secret", "expected", "_case"),
    [
        ("<td>District 1</td>", "District 1", True, "whole token"),
        ("<td>District 10</td>", "District 1", False, "prefix of another name"),
        ('{"name": "जिला 1"}', "जिला 1", True, "devanagari"),
        ("98123 456100", "98123 45610", False, "longer number"),
    ],
)
def test_mentions_matches_whole_tokens(body, secret, expected, _case):
    assert prober._mentions(body, secret) is expected


def test_minimal_body_fills_required_fields():
    schema = {
        "type": "object",
        "required": ["title", "due", "unit_ids", "note"],
        "properties": {
            "title": {"type": "string"},
            "due": {"type": "string", "format": "date"},
            "unit_ids": {"type": "array", "items": {"type": "integer"}},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "level": {"type": "string"},
        },
    }
    assert discovery._minimal(schema, {}) == {
        "title": "Probe title",
        "due": "2030-01-01",
        "unit_ids": [],
        "note": None,
    }


def test_figures_and_state_wide_writes_are_checked_with_no_leak():
    # given a random world, when the probe runs its figure and write checks
    seed = _seed()
    report = probe.run_probe(probes=200, seed=seed)
    # then narrative figures were compared for listening viewers, writes to state-wide objects
    # were tried from below the state, and none leaked
    assert report.figures > 0
    assert report.writes > 0
    assert report.leaks == [], f"seed {seed}: {report.leaks[:10]}"


def test_probe_catches_state_wide_figures_and_writes(monkeypatch):
    # given the listening app as it was before issue #12: stored totals for everyone, and any
    # listening manager may mute a narrative or pause a state-wide source
    monkeypatch.setattr(
        monitoring_selectors, "narratives_scoped", lambda *, user, narratives, now=None: narratives
    )
    monkeypatch.setattr(
        monitoring_selectors, "narrative_series", lambda *, user, narrative, **kw: [narrative.posts]
    )
    monkeypatch.setattr(
        monitoring_selectors,
        "may_change_state_wide",
        lambda *, user: user.can(Capability.MANAGE_LISTENING),
    )
    monkeypatch.setattr(
        monitoring_selectors,
        "may_manage_source",
        lambda *, user, source: user.can(Capability.MANAGE_LISTENING),
    )
    monkeypatch.setattr(monitoring_services, "_state_scoped", lambda actor: True)
    # when the probe runs
    report = probe.run_probe(probes=50, seed=11)
    # then both kinds of leak are reported
    leaks = "\n".join(report.leaks)
    assert "visible posts" in leaks
    assert "narrative status POST" in leaks
    assert "source toggle POST" in leaks
