"""Scope of the group selectors and the roll-ups up the tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from sampark.geo.models import Unit
from sampark.groups import selectors, services
from sampark.groups.enums import Platform
from sampark.groups.models import GroupJoin
from sampark.groups.tests.factories import booth_in, make_group, make_person, volunteer_admin


@pytest.fixture
def world(tree, district1, district2):
    """District 1: booth A with two groups (one quiet), booth B with a Telegram group.
    District 2: one group. Two joins in district 1 this week, one a month ago."""
    now = timezone.now()
    a, b = booth_in(district1, 0), booth_in(district1, 1)
    a1 = make_group(booth=a, member_count=100)
    a2 = make_group(booth=a, member_count=50, at=now - dt.timedelta(days=30))
    b1 = make_group(booth=b, platform=Platform.TELEGRAM, member_count=30)
    c1 = make_group(booth=booth_in(district2), member_count=7)
    for n, (group, days) in enumerate([(a1, 1), (b1, 2), (a1, 30)]):
        GroupJoin.objects.create(
            group=group,
            person=make_person(phone=f"+9191111{n:05d}"),
            joined_at=now - dt.timedelta(days=days),
        )
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "c1": c1}


def test_rollup_of_the_state_by_district(tree, world, district1, district2):
    # when the state is rolled up
    r = selectors.rollup(unit=tree.state)
    # then the totals and each district's figures are right
    assert (r.booths, r.booths_with_group, r.groups, r.members, r.quiet, r.joins_recent) == (
        16,
        3,
        4,
        187,
        1,
        2,
    )
    by_id = {c.id: c for c in r.children}
    d1, d2 = by_id[district1.id], by_id[district2.id]
    assert (d1.booths, d1.booths_with_group, d1.groups, d1.members, d1.quiet, d1.joins_recent) == (
        8,
        2,
        3,
        180,
        1,
        2,
    )
    assert d1.cap == 1024 * 2 + 200_000
    assert (d2.booths, d2.booths_with_group, d2.groups, d2.members) == (8, 1, 1, 7)
    assert d2.pct_covered == 12.5


def test_rollup_of_a_sector_lists_its_booths(world):
    sector = Unit.objects.get(id=world["a"].sector_id)
    r = selectors.rollup(unit=sector)
    by_id = {c.id: c for c in r.children}
    assert by_id[world["a"].id].groups == 2
    assert r.booths == len(r.children)


def test_rollup_leaves_archived_groups_out(bob, world, district1):
    services.group_archive(group_id=world["a2"].id, actor=bob)
    r = selectors.rollup(unit=district1)
    assert (r.groups, r.members, r.quiet) == (2, 130, 0)


def test_rollup_is_four_queries_whatever_the_tree(tree, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.rollup(unit=tree.state)


def test_growth_series_sums_the_last_reports_week_by_week(bob, tree, district1, district2):
    # given a group counted 10 two months ago, 20 a month ago and 35 three days ago
    now = timezone.now()
    group = make_group(booth=booth_in(district1), member_count=10, at=now - dt.timedelta(days=60))
    services.member_count_report(
        group_id=group.id, count=20, actor=bob, at=now - dt.timedelta(days=30)
    )
    services.member_count_report(
        group_id=group.id, count=35, actor=bob, at=now - dt.timedelta(days=3)
    )
    make_group(booth=booth_in(district2), member_count=500, at=now - dt.timedelta(days=1))
    # when the district's growth is read
    series = selectors.growth_series(unit=district1, now=now)
    # then each week holds the latest count by its end, district 2 left out
    assert [p.members for p in series] == [10, 10, 10, 20, 20, 20, 20, 35]
    assert selectors.growth_series(unit=tree.state, now=now)[-1].members == 535


def test_access_group_is_404_for_the_outsider(charlie, world):
    with pytest.raises(Http404):
        selectors.access_group(user=charlie, group_id=world["a1"].id)


def test_volunteer_sees_only_their_groups_and_their_booth(world):
    # given a volunteer on booth A who admins B's group
    volunteer = volunteer_admin(username="vimla", booth=world["a"], group=world["b1"])
    # then they see A's groups (their booth) but not B's (outside their subtree)
    visible = set(selectors.groups_visible(user=volunteer).values_list("id", flat=True))
    assert visible == {world["a1"].id, world["a2"].id}
    # and "my groups" are those they admin inside their scope
    world["a1"].admins.add(volunteer.person)
    assert [g.id for g in selectors.my_groups(user=volunteer)] == [world["a1"].id]


def test_sector_volunteer_sees_only_groups_they_admin(world):
    sector = Unit.objects.get(id=world["a"].sector_id)
    volunteer = volunteer_admin(username="vijay", booth=sector, group=world["a2"])
    assert list(selectors.groups_visible(user=volunteer).values_list("id", flat=True)) == [
        world["a2"].id
    ]
