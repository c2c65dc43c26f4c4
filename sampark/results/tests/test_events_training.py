"""Events and training in results (issue #16 items 4 and 5): the brief's events ahead with
registrations against target, check-ins in the strength score with their weight, and the
training reader hook (left out while the training app is not connected)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import override_settings

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.events.models import Attendance, Event, Registration, Target
from sampark.geo.models import Unit
from sampark.results import brief, briefing, strength
from sampark.results.models import BoothStrength, Brief
from sampark.results.services import refresh_strength

pytest_plugins = ["sampark.events.tests.conftest"]

NOW = dt.datetime(2026, 12, 18, 2, 0, tzinfo=dt.UTC)


def fake_training(*, unit: Unit, since: dt.datetime | None) -> dict[int, int]:
    """A training reader as the training app will offer it: completions per booth."""
    booth = Unit.objects.filter(level="booth").order_by("id").first()
    assert booth is not None
    return {booth.id: 2 if since is None else 1}


def _soon(event: Event, days: float) -> Event:
    Event.objects.filter(id=event.id).update(starts_at=NOW + dt.timedelta(days=days))
    event.refresh_from_db()
    return event


def test_brief_lists_events_of_the_next_week_against_target(
    workshop: Event, registered: list[Registration], bob: User, numbered: Tree
) -> None:
    # given district 1's workshop in two days with two registrations, district 2's in ten
    _soon(workshop, 2)
    other = Event.objects.get(season=workshop.season, unit=numbered.districts[1])
    _soon(other, 10)
    target = Target.objects.get(season=workshop.season, unit=workshop.unit).target
    # when district 1's brief is gathered
    found = brief.gather(user=bob, unit=numbered.districts[0], now=NOW)
    # then only the workshop of the next 7 days, with registered against the district's target
    assert [(e["title"], e["registered"], e["target"]) for e in found["events"]] == [
        (workshop.title, 2, target)
    ]
    assert found["training"] is None


def test_an_outsider_sees_only_events_he_may_see(
    workshop: Event, registered: list[Registration], charlie: User, numbered: Tree
) -> None:
    # given district 1's workshop tomorrow (two registered) and district 2's in two days
    _soon(workshop, 1)
    _soon(Event.objects.get(season=workshop.season, unit=numbered.districts[1]), 2)
    # when charlie's (district 2) brief is gathered
    assert charlie.unit is not None
    found = brief.gather(user=charlie, unit=charlie.unit, now=NOW)["events"]
    # then only his district's workshop, where none of district 1's registrations count
    assert [(e["unit"], e["registered"]) for e in found] == [("District 2", 0)]


def test_check_ins_raise_the_booth_score_by_their_weight(
    workshop: Event, registered: list[Registration], numbered: Tree, tmp_path: object
) -> None:
    # given one of the two registrants from booth 1 checked in last week
    booth = registered[0].unit
    assert booth is not None
    Attendance.objects.create(
        event=workshop, registration=registered[0], scanned_at=NOW - dt.timedelta(days=7)
    )
    # when the snapshot is computed with events weighted 10 of 110
    with (
        time_machine.travel(NOW, tick=False),
        override_settings(
            RESULTS_STRENGTH_WEIGHTS={
                "volunteers": 40,
                "groups": 20,
                "members": 15,
                "kits": 25,
                "events": 10,
            }
        ),
    ):
        refresh_strength(state="UP")
    # then booth 1 has one check-in and 10 × 1/5 of 110 points more than a booth without
    row = BoothStrength.objects.get(booth=booth)
    assert row.events == 1
    bare = BoothStrength.objects.exclude(booth=booth).filter(volunteers=0).first()
    assert bare is not None
    assert row.score - bare.score == pytest.approx(100 * 10 * (1 / 5) / 110, abs=0.01)


def test_training_weight_counts_only_once_the_reader_is_connected(tree: Tree) -> None:
    # given a training weight of 10
    weights = {
        "volunteers": 40,
        "groups": 20,
        "members": 15,
        "kits": 25,
        "events": 10,
        "training": 10,
    }
    with override_settings(RESULTS_STRENGTH_WEIGHTS=weights, RESULTS_TRAINING_READER="no.such.app"):
        # when the training app is absent / then its weight is out of the denominator
        assert strength.Scorer.from_settings().total == 110
    path = f"{__name__}.fake_training"
    with override_settings(RESULTS_STRENGTH_WEIGHTS=weights, RESULTS_TRAINING_READER=path):
        # when it is connected / then it counts
        scorer = strength.Scorer.from_settings()
        assert scorer.total == 120
        assert scorer.score(0, 0, 0, 0, 0, 5) == pytest.approx(100 * 10 / 120)


def test_brief_shows_training_when_connected(tree: Tree, alice: User) -> None:
    # given the training reader connected
    with override_settings(RESULTS_TRAINING_READER=f"{__name__}.fake_training"):
        # when the state's brief is gathered and rendered
        data = brief.gather(user=alice, unit=tree.state, now=NOW)
    # then the section shows the day's and all completions
    assert data["training"] == {"day": 1, "total": 2}
    day = Brief(role="state_head", unit=tree.state, day=NOW.date(), language="en", data=data)
    html = render_to_string("results/brief/document.html", briefing.context(day, tree.state))
    assert 'data-testid="brief-training"' in html
    assert "1 training modules completed, 2 in all." in html


def test_brief_document_leaves_training_out_when_not_connected(
    tree: Tree, alice: User, tmp_path: object
) -> None:
    # given no training app; when the brief is rendered / then no training section
    data = brief.gather(user=alice, unit=tree.state, now=NOW)
    day = Brief(role="state_head", unit=tree.state, day=NOW.date(), language="en", data=data)
    html = render_to_string("results/brief/document.html", briefing.context(day, tree.state))
    assert "brief-training" not in html
    assert "No event in the next 7 days." in html
