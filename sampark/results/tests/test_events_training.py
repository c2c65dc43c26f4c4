"""Events and training in results (issue #16 items 4 and 5): the brief's events ahead with
registrations against target, check-ins in the strength score with their weight, and the
training's passes in the score (counted once a module is required of volunteers) and the brief."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import override_settings

from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.events.models import Attendance, Event, Registration, Target
from sampark.events.tests.fixtures import numbered, registered, season, volunteer, workshop
from sampark.geo.models import Unit
from sampark.results import brief, briefing, strength
from sampark.results.models import BoothStrength, Brief
from sampark.results.services import refresh_strength
from sampark.training import services as training_services
from sampark.training.tests.fixtures import build_module, right_answers, volunteer_on

# The events fixtures this file uses, imported (a `pytest_plugins` entry would register the
# events conftest a second time when both are collected in one run).
__all__ = ["numbered", "registered", "season", "volunteer", "workshop"]


NOW = dt.datetime(2026, 12, 18, 2, 0, tzinfo=dt.UTC)
HOURS_2 = dt.timedelta(hours=2)


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


def test_training_weight_counts_once_a_module_is_required_of_volunteers(
    tree: Tree, alice: User
) -> None:
    # given a training weight of 10 beside 110 of the others
    weights = {
        "volunteers": 40,
        "groups": 20,
        "members": 15,
        "kits": 25,
        "events": 10,
        "training": 10,
    }
    with override_settings(RESULTS_STRENGTH_WEIGHTS=weights):
        # when no module is required of booth volunteers / then training is out of the total
        assert strength.Scorer.from_settings().total == 110
        # when the state requires one of them
        build_module(alice, tree.state, title="Social media", roles=[Role.VOLUNTEER])
        # then it counts
        scorer = strength.Scorer.from_settings()
        assert scorer.total == 120
        assert scorer.score(0, 0, 0, 0, 0, 5) == pytest.approx(100 * 10 / 120)


def test_trained_volunteers_count_in_the_booth_snapshot_and_the_brief(
    tree: Tree, alice: User, booth1: Unit
) -> None:
    # given a state module required of volunteers, passed by booth 1's volunteer three days
    # ago and by another booth's two hours ago
    module = build_module(alice, tree.state, title="Social media", roles=[Role.VOLUNTEER])
    booth2 = Unit.objects.filter(level="booth").exclude(id=booth1.id).order_by("id").first()
    assert booth2 is not None
    for booth, phone, ago in (
        (booth1, "+919812345601", dt.timedelta(days=3)),
        (booth2, "+919812345602", HOURS_2),
    ):
        volunteer = volunteer_on(booth, "सीता देवी", phone)
        with time_machine.travel(NOW - ago, tick=False):
            training_services.quiz_submit(
                module_id=module.id, user=volunteer, answers=right_answers(module)
            )
    # when the snapshot is computed and the state's brief gathered
    with time_machine.travel(NOW, tick=False):
        refresh_strength(state=tree.state.path)
    data = brief.gather(user=alice, unit=tree.state, now=NOW)
    # then each booth has one trained volunteer, and the brief one pass today of two
    assert BoothStrength.objects.get(booth=booth1).training == 1
    assert BoothStrength.objects.get(booth=booth2).training == 1
    assert data["training"] == {"day": 1, "total": 2}
    day = Brief(role="state_head", unit=tree.state, day=NOW.date(), language="en", data=data)
    html = render_to_string("results/brief/document.html", briefing.context(day, tree.state))
    assert 'data-testid="brief-training"' in html
    assert "1 training modules completed, 2 in all." in html


def test_brief_document_leaves_training_out_while_nobody_passed(
    tree: Tree, alice: User, tmp_path: object
) -> None:
    # given no training passed; when the brief is rendered / then no training section
    data = brief.gather(user=alice, unit=tree.state, now=NOW)
    day = Brief(role="state_head", unit=tree.state, day=NOW.date(), language="en", data=data)
    html = render_to_string("results/brief/document.html", briefing.context(day, tree.state))
    assert "brief-training" not in html
    assert "No event in the next 7 days." in html
