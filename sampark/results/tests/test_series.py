"""Trend series (issue #16 item 3): days counted in the database on the IST calendar, one
axis with zeros, the unit's subtree only, and the JSON and page scoped like every unit page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sampark.accounts.models import User
from sampark.content.tests.factories import make_deliveries, make_distribution
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.monitoring.tests.factories import group_source, make_narrative, make_post
from sampark.people.tests.factories import AssignmentFactory
from sampark.results import series
from sampark.warroom.models import Incident

# 10:00 IST on 7 December 2026.
NOW = dt.datetime(2026, 12, 7, 4, 30, tzinfo=dt.UTC)
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _booth(district: Unit) -> Unit:
    found = Unit.objects.filter(level="booth", district=district).order_by("id").first()
    assert found is not None
    return found


def _seed(tree: Tree, alice: User) -> None:
    d1, d2 = _booth(tree.districts[0]), _booth(tree.districts[1])
    # 00:10 IST on 6 Dec is still 5 Dec in UTC: it must count on the 6th
    early = dt.datetime(2026, 12, 6, 0, 10, tzinfo=IST)
    AssignmentFactory.create(unit=d1, started_at=early, verified_at=NOW - dt.timedelta(hours=1))
    AssignmentFactory.create(unit=d2, started_at=early)
    dist = make_distribution(unit=tree.state, author=alice)
    make_deliveries(
        dist,
        [
            (d1, {"status": "sent", "sent_at": early, "forwarded_at": NOW, "forwarded_groups": 2}),
            (d2, {"status": "sent", "sent_at": early}),
        ],
    )
    Incident.objects.create(
        unit=d1,
        title="Rumour",
        origin="manual",
        created_at=NOW - dt.timedelta(hours=2),
        published_at=NOW - dt.timedelta(minutes=30),
        sla_due_at=NOW,
    )
    Incident.objects.create(unit=d2, title="Elsewhere", origin="manual", created_at=early)
    source = group_source(unit=d1)
    post = make_post(source=source, text="rumour", posted_at=early)
    make_narrative(title="N", posts=[post])


def test_it_counts_each_series_per_ist_day_on_one_axis(tree: Tree, alice: User) -> None:
    # given activity in both districts, some of it just after midnight IST
    _seed(tree, alice)
    # when the state's trends are read over 7 days
    found = series.trends(user=alice, unit=tree.state, days=7, now=NOW)
    # then the axis ends today and every line has one value per day
    assert found["days"][0] == "2026-12-01"
    assert found["days"][-1] == "2026-12-07"
    assert found["recruitment"] == {"taken": [0, 0, 0, 0, 0, 2, 0], "verified": [0] * 6 + [1]}
    assert found["reach"] == {"sent": [0] * 5 + [2, 0], "forwarded": [0] * 6 + [1]}
    assert found["narratives"] == {"new": [0] * 5 + [1, 0], "growing": [0] * 5 + [1, 0]}
    assert found["incidents"]["opened"] == [0] * 5 + [1, 1]
    assert found["incidents"]["answered"] == [0] * 6 + [1]
    assert found["incidents"]["in_sla"] == [0] * 6 + [1]
    assert found["incidents"]["minutes"] == [None] * 6 + [90.0]


def test_it_counts_only_the_unit_subtree(tree: Tree, alice: User, bob: User) -> None:
    # given the same activity
    _seed(tree, alice)
    # when bob reads his district
    found = series.trends(user=bob, unit=tree.districts[0], days=7, now=NOW)
    # then district 2's position, kit and incident are not counted
    assert sum(found["recruitment"]["taken"]) == 1
    assert sum(found["reach"]["sent"]) == 1
    assert sum(found["incidents"]["opened"]) == 1


def test_it_reads_a_fixed_number_of_queries_whatever_the_range(tree: Tree, alice: User) -> None:
    # given activity; when the 7- and 90-day series are read
    _seed(tree, alice)
    series.trends(user=alice, unit=tree.state, days=7, now=NOW)  # the user's roles, cached
    counts = []
    for days in (7, 90):
        with CaptureQueriesContext(connection) as ctx:
            series.trends(user=alice, unit=tree.state, days=days, now=NOW)
        counts.append(len(ctx.captured_queries))
    # then the days are grouped in the database, not one query per day
    assert counts[0] == counts[1]
    assert counts[0] <= 10


@pytest.mark.parametrize(
    ("raw", "days"),
    [("7", 7), ("30", 30), ("90", 90), ("365", 30), ("x", 30), (None, 30)],
    ids=["week_case", "month_case", "quarter_case", "too_long_case", "junk_case", "none_case"],
)
def test_it_accepts_only_the_offered_ranges(raw: str | None, days: int) -> None:
    assert series.range_of(raw) == days


def test_outsider_gets_404_for_the_page_and_json(tree: Tree, bob: User) -> None:
    # given bob of district 1
    client = Client()
    client.force_login(bob)
    other = tree.districts[1]
    # when he asks for district 2's trends / then they do not exist
    for name in ("results:unit_trends", "results:unit_series"):
        assert client.get(reverse(name, kwargs={"unit_id": other.id})).status_code == 404


def test_page_and_json_show_the_scoped_series(tree: Tree, alice: User) -> None:
    # given activity and alice, state head
    _seed(tree, alice)
    client = Client()
    client.force_login(alice)
    url = reverse("results:unit_series", kwargs={"unit_id": tree.state.id})
    # when the JSON for 7 days is asked at NOW
    with time_machine.travel(NOW, tick=False):
        body = client.get(url, {"days": "7"}).json()
        page = client.get(reverse("results:unit_trends", kwargs={"unit_id": tree.state.id}))
    # then it is the series, and the page carries them for the charts
    assert body["range"] == 7
    assert body["recruitment"]["taken"][-2] == 2
    assert page.status_code == 200
    assert b'id="trends-data"' in page.content
    assert b"chart-incidents" in page.content


def test_volunteer_sees_no_narratives_or_incidents(tree: Tree, charlie: User) -> None:
    # given charlie, a booth volunteer (no listening, no war room)
    booth = charlie.unit
    assert booth is not None
    # when his booth's series are read / then those two are left out, not zeroed
    found = series.trends(user=charlie, unit=booth, days=7, now=NOW)
    assert found["narratives"] is None
    assert found["incidents"] is None


def test_below_the_ac_counts_only_the_units_own_booths(tree: Tree, alice: User) -> None:
    # given a kit sent to a booth of sector S and one to another sector of the same AC
    booth = _booth(tree.districts[0])
    assert booth.parent_id is not None
    sector = Unit.objects.get(id=booth.parent_id)
    elsewhere = (
        Unit.objects.filter(level="booth", ac_id=booth.ac_id).exclude(parent_id=sector.id).first()
    )
    assert elsewhere is not None
    dist = make_distribution(unit=tree.state, author=alice)
    sent = NOW - dt.timedelta(hours=1)
    make_deliveries(
        dist,
        [
            (booth, {"status": "sent", "sent_at": sent}),
            (elsewhere, {"status": "sent", "sent_at": sent}),
        ],
    )
    # when the sector's series are read / then only its own booth's kit counts
    found = series.trends(user=alice, unit=sector, days=7, now=NOW)
    assert found["reach"]["sent"] == [0] * 6 + [1]
