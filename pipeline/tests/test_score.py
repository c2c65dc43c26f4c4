"""Velocity and burst from hourly counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.score import hour_floor, velocity_burst

NOW = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # half past: half the previous hour counts
H = hour_floor(NOW)


def test_a_new_narrative_bursting_scores_high():
    velocity, burst = velocity_burst({H: 20}, now=NOW)
    assert velocity == 20
    assert burst == pytest.approx(20.0)


def test_a_steady_narrative_does_not_burst():
    counts = {H - timedelta(hours=k): 10 for k in range(30)}
    velocity, burst = velocity_burst(counts, now=NOW)
    assert velocity == pytest.approx(15.0)  # this hour's 10 + half of the previous hour's 10
    assert burst == pytest.approx((15 - 10) / (11**0.5), abs=1e-3)


def test_old_activity_outside_the_window_is_ignored():
    velocity, burst = velocity_burst({H - timedelta(hours=40): 500}, now=NOW)
    assert (velocity, burst) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param({}, (0.0, 0.0), id="nothing"),
        pytest.param({H - timedelta(hours=1): 8}, (4.0, 4.0), id="previous-hour-half-counts"),
    ],
)
def test_edges(counts, expected):
    assert velocity_burst(counts, now=NOW) == expected
