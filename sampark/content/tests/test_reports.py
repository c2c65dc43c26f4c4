"""Report numbers over hand-built outbox rows with known statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sampark.accounts.models import User
from sampark.content import reports
from sampark.content.enums import DeliveryStatus, DistributionKind
from sampark.content.models import Distribution
from sampark.content.tests.factories import make_deliveries, make_distribution
from sampark.devtools.synthetic import Tree
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.rules.enums import HoldReason

S = DeliveryStatus


def _booths(district: Unit) -> list[Unit]:
    return list(Unit.objects.filter(level=Level.BOOTH, district=district).order_by("path"))


@pytest.fixture
def sent(tree: Tree, alice: User, district1: Unit, district2: Unit) -> Distribution:
    """Ten deliveries of a state distribution: eight in district 1 (seven in its first AC)."""
    d1, d2 = _booths(district1), _booths(district2)
    b1, b2 = d1[0], d1[1]
    b3 = next(b for b in d1 if b.ac_id != b1.ac_id)
    b9 = d2[0]
    distribution = make_distribution(unit=tree.state, author=alice)
    now = timezone.now()
    make_deliveries(
        distribution,
        [
            (b1, {"status": S.SENT}),
            (
                b1,
                {"status": S.DELIVERED, "opened_at": now, "forwarded_groups": 3, "reach": 450},
            ),
            (b1, {"status": S.HELD, "hold_reason": HoldReason.SILENCE}),
            (b1, {"status": S.HELD, "hold_reason": HoldReason.DND}),
            (b2, {"status": S.DEAD, "attempts": 5, "last_error": "timeout"}),
            (b2, {"status": S.CANCELLED, "hold_reason": HoldReason.RECALLED}),
            (b2, {"status": S.QUEUED}),
            (b3, {"status": S.DELIVERED, "opened_at": now}),
            (b9, {"status": S.SENT}),
            (b9, {"status": S.HELD, "hold_reason": HoldReason.SILENCE}),
        ],
    )
    return distribution


def test_totals_count_every_status_exactly(sent):
    # given the ten hand-built deliveries
    # when the totals are computed
    totals = reports.distribution_totals(distribution=sent)
    # then every column is exact
    assert (totals.targeted, totals.queued, totals.sent, totals.delivered) == (10, 1, 4, 2)
    assert (totals.opened, totals.forwarded, totals.groups_forwarded, totals.reach) == (
        2,
        1,
        3,
        450,
    )
    assert (totals.held, totals.cancelled, totals.dead) == (3, 1, 1)
    assert totals.held_by_reason == {"silence": 2, "dnd": 1}
    assert totals.cancelled_by_reason == {"recalled": 1}


def test_totals_within_a_district(sent, district2):
    # when the totals are limited to district 2
    totals = reports.distribution_totals(distribution=sent, unit=district2)
    # then only its two deliveries count
    assert (totals.targeted, totals.sent, totals.held) == (2, 1, 1)
    assert totals.held_by_reason == {"silence": 1}


def test_rollup_state_to_districts(sent, tree, district1, district2, django_assert_max_num_queries):
    # when the state's roll-up is read
    with django_assert_max_num_queries(4):
        rows = reports.distribution_rollup(distribution=sent, parent=None)
    # then one row per district with deliveries, in one GROUP BY plus the names
    by_unit = {r.unit_id: r for r in rows}
    assert set(by_unit) == {district1.id, district2.id}
    one = by_unit[district1.id]
    assert (one.targeted, one.sent, one.delivered, one.opened, one.forwarded) == (8, 3, 2, 2, 1)
    assert (one.held, one.cancelled, one.dead, one.queued, one.reach) == (2, 1, 1, 1, 450)
    assert (by_unit[district2.id].targeted, by_unit[district2.id].held) == (2, 1)


def test_rollup_district_to_acs_and_ac_to_booths(sent, district1, django_assert_max_num_queries):
    # given the ACs of district 1
    booths = _booths(district1)
    first_ac = booths[0].ac
    assert first_ac is not None
    # when drilling down district -> ACs -> booths
    with django_assert_max_num_queries(4):
        acs = reports.distribution_rollup(distribution=sent, parent=district1)
    with django_assert_max_num_queries(4):
        booth_rows = reports.distribution_rollup(distribution=sent, parent=first_ac)
    # then the counts split exactly by AC and by booth
    assert sorted(r.targeted for r in acs) == [1, 7]
    assert {r.unit.level for r in acs if r.unit} == {Level.AC}
    assert {r.unit_id: r.targeted for r in booth_rows} == {booths[0].id: 4, booths[1].id: 3}
    assert {r.unit_id: r.dead for r in booth_rows} == {booths[0].id: 0, booths[1].id: 1}


def test_rollup_of_a_booth_is_empty(sent, district1):
    # a booth has no children in the outbox
    assert reports.distribution_rollup(distribution=sent, parent=_booths(district1)[0]) == []


def test_funnel_percentages(sent):
    totals = reports.distribution_totals(distribution=sent)
    # then the funnel is targeted -> sent -> delivered -> opened -> forwarded, as % of targeted
    assert totals.funnel == [
        ("targeted", 10, 100.0),
        ("sent", 4, 40.0),
        ("delivered", 2, 20.0),
        ("opened", 2, 20.0),
        ("forwarded", 1, 10.0),
    ]


def test_unit_report_spans_distributions_in_the_window(sent, tree, alice, bob, district1):
    # given a second, older distribution and a take-down notice, both in district 1
    old = make_distribution(
        unit=tree.state, author=alice, scheduled_at=timezone.now() - dt.timedelta(days=10)
    )
    make_deliveries(old, [(_booths(district1)[0], {"status": S.SENT})])
    notice = make_distribution(unit=tree.state, author=alice, kind=DistributionKind.RECALL)
    make_deliveries(notice, [(_booths(district1)[0], {"status": S.SENT})])
    since = timezone.now() - dt.timedelta(days=7)
    # when bob reads the report for his district over the last 7 days
    rows = reports.unit_report(user=bob, unit=district1, since=since)
    totals = reports.unit_totals(user=bob, unit=district1, since=since)
    # then only kits sent in the window count (not the old one, not the notice)
    assert sorted(r.targeted for r in rows) == [1, 7]
    assert (totals.targeted, totals.sent) == (8, 3)


def test_unit_report_refuses_a_unit_outside_the_subtree(sent, charlie, district1):
    # the outsider cannot ask for district 1's numbers
    from django.http import Http404

    with pytest.raises(Http404):
        reports.unit_report(user=charlie, unit=district1, since=timezone.now())
