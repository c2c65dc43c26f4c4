"""Tree reads: children, breadcrumbs in one query, lookup by path, and their scoped variants."""

from __future__ import annotations

import pytest
from django.http import Http404

from sampark.geo import selectors
from sampark.geo.enums import Level


def test_children_go_one_level_down(tree):
    state, district = tree.state, tree.districts[0]
    assert list(selectors.children(unit=state)) == tree.districts
    assert [u.level for u in selectors.children(unit=district)] == [Level.AC, Level.AC]
    assert list(selectors.children(unit=tree.booths[0])) == []


def test_children_of_a_pc_are_its_acs(tree):
    # given PC 1 groups ACs 1 and 2 (both in district 1)
    assert list(selectors.children(unit=tree.pcs[0])) == tree.acs[:2]


def test_ancestors_are_breadcrumbs_in_one_query(tree, django_assert_num_queries):
    booth = tree.booths[0]
    with django_assert_num_queries(1):
        crumbs = selectors.ancestors(unit=booth)
    assert [u.level for u in crumbs] == [
        Level.STATE,
        Level.DISTRICT,
        Level.AC,
        Level.MANDAL,
        Level.SECTOR,
    ]
    assert [u.id for u in crumbs] == [
        booth.state_id,
        booth.district_id,
        booth.ac_id,
        booth.mandal_id,
        booth.sector_id,
    ]
    assert selectors.ancestors(unit=booth, include_self=True)[-1] == booth
    assert selectors.ancestors(unit=tree.state) == []


def test_unit_by_path(tree):
    assert selectors.unit_by_path(path="UP/D2") == tree.districts[1]
    assert selectors.unit_by_path(path="/UP/D2/") == tree.districts[1]
    assert selectors.unit_by_path(path="UP/D9") is None


def test_visible_ancestors_start_at_the_users_unit(tree, bob):
    booth = tree.booths[0]
    assert [u.level for u in selectors.visible_ancestors(user=bob, unit=booth)] == [
        Level.DISTRICT,
        Level.AC,
        Level.MANDAL,
        Level.SECTOR,
    ]


def test_visible_children_404_outside_the_subtree(tree, bob):
    assert list(selectors.visible_children(user=bob, unit_id=tree.districts[0].id)) == tree.acs[:2]
    with pytest.raises(Http404):
        selectors.visible_children(user=bob, unit_id=tree.districts[1].id)
    with pytest.raises(Http404):
        selectors.visible_children(user=bob, unit_id=tree.state.id)


def test_visible_unit_by_path_404_outside_the_subtree(tree, bob):
    assert selectors.visible_unit_by_path(user=bob, path="UP/D1") == tree.districts[0]
    with pytest.raises(Http404):
        selectors.visible_unit_by_path(user=bob, path="UP/D2")


def test_booth_counts_of_the_state_are_two_queries(tree, django_assert_num_queries):
    # when the state's booths are counted by district
    with django_assert_num_queries(2):
        counts = selectors.booth_counts(unit=tree.state)
    # then the total and each district's share are there, with the districts' names
    assert counts.booths == len(tree.booths)
    assert [c.id for c in counts.children] == [d.id for d in tree.districts]
    assert [c.booths for c in counts.children] == [
        sum(b.district_id == d.id for b in tree.booths) for d in tree.districts
    ]


def test_booth_counts_of_a_sector_list_its_booths(tree, django_assert_num_queries):
    sector = tree.sectors[0]
    with django_assert_num_queries(1):
        counts = selectors.booth_counts(unit=sector)
    assert [(c.id, c.booths) for c in counts.children] == [
        (b.id, 1) for b in tree.booths if b.sector_id == sector.id
    ]
    assert counts.booths == len(counts.children)


def test_a_booth_counts_itself_without_a_query(tree, django_assert_num_queries):
    with django_assert_num_queries(0):
        counts = selectors.booth_counts(unit=tree.booths[0])
    assert (counts.booths, counts.children) == (1, [])
