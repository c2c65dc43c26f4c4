"""Erlang C staffing and the dialling modes' pacing against the floor simulator."""

from __future__ import annotations

import json
import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sampark.calls import staffing
from sampark.devtools.callsim import simulate


def _erlang_c_by_factorials(n: int, a: float) -> float:
    """The textbook formula, independent of the recursion under test."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize(("n", "a"), [(13, 10.0), (5, 2.5), (30, 24.0)], ids=["a10", "a2_5", "a24"])
def test_erlang_c_matches_the_textbook_formula(n: int, a: float) -> None:
    assert staffing.erlang_c(n, a) == pytest.approx(_erlang_c_by_factorials(n, a), rel=1e-9)


def test_the_fewest_agents_meet_the_service_level() -> None:
    # given 200 calls an hour of 180 s (10 erlangs) and 80% within 20 s
    result = staffing.inbound(calls_per_hour=200, aht=180, target=0.8, within=20)
    # then that many agents meet it and one fewer does not
    assert result.traffic_erlangs == pytest.approx(10.0)
    assert result.service_level >= 0.8
    assert staffing.service_level(result.agents - 1, 10.0, aht=180, within=20) < 0.8
    assert result.occupancy == pytest.approx(10.0 / result.agents)


def test_the_shell_contract_prints_json() -> None:
    out = StringIO()
    call_command(
        "calls",
        "staffing",
        "--calls-per-hour",
        "6000",
        "--aht",
        "240",
        "--service-level",
        "0.8",
        "--answer-within",
        "20",
        "--json",
        stdout=out,
    )
    figures = json.loads(out.getvalue())
    assert set(figures) >= {"agents", "traffic_erlangs", "service_level", "occupancy"}
    assert figures["traffic_erlangs"] == 400.0
    assert figures["service_level"] >= 0.8
    assert figures["agents"] > 400


def test_nonsense_figures_are_a_command_error() -> None:
    with pytest.raises(CommandError):
        call_command("calls", "staffing", "--calls-per-hour", "-5", "--aht", "100")


def test_outbound_staffing_from_list_size() -> None:
    # given 1 lakh numbers, a quarter reached, 3 minutes each, in 8 hours
    agents = staffing.outbound(list_size=100_000, contact_rate=0.25, aht=180, hours=8)
    # then 25,000 × 180 s of talk plus 1,25,000 failed attempts × 30 s, over 8 h at 85%
    assert agents == math.ceil((25_000 * 180 + 125_000 * 30) / (8 * 3600 * 0.85))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_predictive_pacing_holds_the_abandon_cap_at_high_occupancy(seed: int) -> None:
    # given 100 agents, a 25% contact rate and 3-minute calls, for four simulated hours
    result = simulate(mode="predictive", agents=100, contact_rate=0.25, aht=180, hours=4, seed=seed)
    # then at most 3% of answered calls find no agent, while agents are busy at least 80%
    assert result.abandon_rate <= 0.03
    assert result.occupancy >= 0.80


def test_predictive_beats_progressive_dialling_on_occupancy() -> None:
    one_line = simulate(mode="preview", agents=100, hours=2, seed=4)
    predictive = simulate(mode="predictive", agents=100, hours=2, seed=4)
    assert one_line.abandoned == 0
    assert predictive.occupancy > one_line.occupancy + 0.05


def test_an_impossible_floor_is_refused_quickly() -> None:
    # given a million erlangs of traffic
    # then the figures are refused instead of searched
    with pytest.raises(ValueError, match="erlangs"):
        staffing.inbound(calls_per_hour=254_432, aht=15_406, target=0.8, within=900)


def test_a_2000_seat_floor_is_staffed() -> None:
    result = staffing.inbound(calls_per_hour=36_000, aht=180, target=0.8, within=20)
    assert result.traffic_erlangs == pytest.approx(1800.0)
    assert result.service_level >= 0.8
    assert staffing.service_level(result.agents - 1, 1800.0, aht=180, within=20) < 0.8
