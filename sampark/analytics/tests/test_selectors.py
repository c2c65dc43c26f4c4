"""Coverage roll-ups, booths lacking volunteers, vacancies, recruitment, the map, one booth."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import Http404
from django.test import override_settings

from sampark.analytics import selectors
from sampark.analytics.tests.fixtures import hold
from sampark.geo import selectors as geo_selectors
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.people.enums import AssignmentStatus


def _figures(cov: selectors.Coverage) -> tuple[int, int, int, int, int]:
    return (cov.booths_total, cov.booths_full, cov.booths_partial, cov.booths_empty, cov.volunteers)


def test_state_rollup_counts_booths_by_staffing_band(staffed, django_assert_num_queries):
    # given the 16-booth tree with known volunteer counters
    # when the state is rolled up
    with django_assert_num_queries(2):
        cov = selectors.coverage(unit=staffed.state)
    # then the totals and each district's figures are right
    assert _figures(cov) == (16, 4, 5, 7, 33)
    assert [c.path for c in cov.children] == ["UP/D1", "UP/D2"]
    assert [_figures(c) for c in cov.children] == [(8, 3, 3, 2, 22), (8, 1, 2, 5, 11)]
    assert cov.pct_full == 25.0
    assert cov.children[0].name_hi == "जिला 1"


@pytest.mark.parametrize(
    ("level", "index", "child_paths", "figures"),
    [
        ("district", 0, ["UP/D1/AC1", "UP/D1/AC2"], [(4, 2, 1, 1, 14), (4, 1, 2, 1, 8)]),
        ("pc", 1, ["UP/D2/AC3", "UP/D2/AC4"], [(4, 1, 0, 3, 5), (4, 0, 2, 2, 6)]),
        ("ac", 0, ["UP/D1/AC1/M01"], [(4, 2, 1, 1, 14)]),
        (
            "mandal",
            0,
            ["UP/D1/AC1/M01/S01", "UP/D1/AC1/M01/S02"],
            [(2, 1, 1, 0, 9), (2, 1, 0, 1, 5)],
        ),
        (
            "sector",
            1,
            ["UP/D1/AC1/M01/S02/B3", "UP/D1/AC1/M01/S02/B4"],
            [(1, 0, 0, 1, 0), (1, 1, 0, 0, 5)],
        ),
        ("booth", 1, [], []),
    ],
    ids=["district_case", "pc_case", "ac_case", "mandal_case", "sector_case", "booth_case"],
)
def test_children_are_grouped_one_level_down(staffed, level, index, child_paths, figures):
    # given a unit at some level
    unit = staffed.by_level(level)[index]
    # when its coverage is computed
    cov = selectors.coverage(unit=unit)
    # then the children are the next level (a PC's are its ACs) and add up to the unit
    assert [c.path for c in cov.children] == child_paths
    assert [_figures(c) for c in cov.children] == figures
    if cov.children:
        assert cov.booths_total == sum(c.booths_total for c in cov.children)
        assert cov.volunteers == sum(c.volunteers for c in cov.children)
    else:
        assert _figures(cov) == (1, 0, 1, 0, 4)  # booth 2 of AC 1 has 4 volunteers


def test_state_can_be_grouped_by_lok_sabha_constituency(staffed):
    # when the state's children are asked for by PC
    cov = selectors.coverage(unit=staffed.state, child_level="pc")
    # then the two PCs carry the figures of their ACs
    assert [c.path for c in cov.children] == ["UP/PC01", "UP/PC02"]
    assert [_figures(c) for c in cov.children] == [(8, 3, 3, 2, 22), (8, 1, 2, 5, 11)]
    assert _figures(cov) == (16, 4, 5, 7, 33)


def test_coverage_by_level_lists_every_ac_of_the_state(staffed, django_assert_num_queries):
    with django_assert_num_queries(2):
        acs = selectors.coverage_by_level(unit=staffed.state, level="ac")
    assert [a.number for a in acs] == [1, 2, 3, 4]
    assert [a.booths_full for a in acs] == [2, 1, 1, 0]


def test_a_child_without_booths_is_listed_with_zeros(staffed):
    # given a new, empty AC in District 1
    from sampark.geo.services import unit_create

    unit_create(parent=staffed.districts[0], level="ac", number=9, name="AC 9", pc=staffed.pcs[0])
    # then it shows with zeros and the totals are unchanged
    cov = selectors.coverage(unit=staffed.districts[0])
    assert [c.number for c in cov.children] == [1, 2, 9]
    assert _figures(cov.children[-1]) == (0, 0, 0, 0, 0)
    assert _figures(cov) == (8, 3, 3, 2, 22)


def test_coverage_rejects_a_level_that_is_not_below(staffed):
    with pytest.raises(ValueError, match="not below"):
        selectors.coverage(unit=staffed.districts[0], child_level="pc")


@override_settings(BOOTH_FULL_STAFF=4)
def test_full_staff_follows_the_setting(staffed):
    cov = selectors.coverage(unit=staffed.districts[0])
    assert _figures(cov) == (8, 4, 2, 2, 22)


def test_bobs_aggregate_never_counts_district_2(staffed, bob, alice):
    # when bob asks for his district, and for the state and district 2
    own = selectors.coverage_for_user(user=bob, unit_id=staffed.districts[0].id)
    # then he gets District 1's figures only, and 404 elsewhere
    assert _figures(own) == (8, 3, 3, 2, 22)
    with pytest.raises(Http404):
        selectors.coverage_for_user(user=bob, unit_id=staffed.state.id)
    with pytest.raises(Http404):
        selectors.coverage_for_user(user=bob, unit_id=staffed.districts[1].id)
    with pytest.raises(Http404):
        selectors.coverage_for_user(user=bob, unit_id=staffed.pcs[0].id)
    # while alice sees the state
    assert selectors.coverage_for_user(user=alice, unit_id=staffed.state.id).booths_total == 16


def test_booths_lacking_are_ordered_by_ac_then_part_number(staffed, django_assert_max_num_queries):
    # when the state's lacking booths are listed
    with django_assert_max_num_queries(3):
        page = selectors.booths_lacking(unit=staffed.state)
    # then the 12 booths with fewer than five volunteers come by AC, then part number
    assert [b.number for b in page.booths] == [2, 3, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16]
    assert [b.ac.number for b in page.booths if b.ac] == [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    assert page.booths[0].sector is not None
    assert page.booths[0].sector.name == "Sector 1-1-1"
    assert page.booths[0].missing == 1
    assert page.next_offset is None


@pytest.mark.parametrize(
    ("offset", "numbers", "next_offset"),
    [(0, [2, 3, 5, 6, 8], 5), (5, [9, 10, 11, 13, 14], 10), (10, [15, 16], None), (20, [], None)],
    ids=["first_case", "middle_case", "last_case", "beyond_case"],
)
def test_booths_lacking_pages(staffed, offset, numbers, next_offset):
    page = selectors.booths_lacking(unit=staffed.state, limit=5, offset=offset)
    assert [b.number for b in page.booths] == numbers
    assert page.next_offset == next_offset


def test_deep_pages_sort_once_and_agree_with_shallow_ones(staffed, monkeypatch):
    # given the AC-by-AC walk switched off for every page
    shallow = [b.id for b in selectors.booths_lacking(unit=staffed.state, limit=20).booths]
    monkeypatch.setattr(selectors, "_BATCH_DEPTH", 0)
    deep = [b.id for b in selectors.booths_lacking(unit=staffed.state, limit=20).booths]
    # then both ways give the same order
    assert shallow == deep


def test_booths_lacking_name_the_nearest_incharge(staffed, django_assert_max_num_queries):
    # given an AC in-charge on AC 1, a mandal in-charge, and a sector in-charge on sector 2 only
    ac1, mandal1 = staffed.acs[0], staffed.mandals[0]
    sector1, sector2 = staffed.sectors[0], staffed.sectors[1]
    hold(ac1, "it_incharge_ac", name="Anil AC")
    hold(mandal1, "it_incharge_mandal", name="मीना मंडल")
    hold(sector2, "it_incharge_sector", name="Sunil Sector")
    hold(sector1, "it_incharge_sector", name="Gone Sector", status=AssignmentStatus.ENDED)
    hold(staffed.acs[1], "it_incharge_ac", name="Pending AC", status=AssignmentStatus.PENDING)
    # when District 1's lacking booths are listed
    with django_assert_max_num_queries(4):
        page = selectors.booths_lacking(unit=staffed.districts[0])
    holders = {b.number: b.incharge for b in page.booths}
    # then sector 2's booth names the sector in-charge, sector 1's the mandal's (the ended one
    # does not count), and AC 2's booths the pending AC in-charge
    assert holders[3] is not None
    assert holders[3].name == "Sunil Sector"
    assert holders[3].role_en == "Sector IT-cell in-charge"
    assert holders[2] is not None
    assert holders[2].name == "मीना मंडल"
    assert holders[5] is not None
    assert holders[5].name == "Pending AC"
    assert holders[5].status == AssignmentStatus.PENDING


def test_booths_lacking_look_for_incharges_only_inside_the_scope(staffed):
    # given only an AC in-charge above mina's mandal
    hold(staffed.acs[0], "it_incharge_ac", name="Anil AC")
    # when the mandal's lacking booths are listed within the mandal's scope
    page = selectors.booths_lacking(unit=staffed.mandals[0], scope=staffed.mandals[0])
    # then nobody is named; within the district's scope, the AC in-charge is
    assert all(b.incharge is None for b in page.booths)
    wider = selectors.booths_lacking(unit=staffed.mandals[0], scope=staffed.districts[0])
    assert {b.incharge.name for b in wider.booths if b.incharge} == {"Anil AC"}


def test_vacancies_by_kind_count_active_and_pending(staffed, django_assert_num_queries):
    # given District 1's booths with some positions held, one pending and one ended
    b1, b2 = staffed.booths[0], staffed.booths[1]
    hold(b1, "booth_president")
    hold(b2, "booth_president", status=AssignmentStatus.PENDING)
    hold(b1, "whatsapp_pramukh")
    hold(b2, "whatsapp_pramukh", status=AssignmentStatus.ENDED)
    hold(staffed.booths[8], "booth_president")  # District 2: never counted for District 1
    # when District 1's vacancies are computed
    with django_assert_num_queries(3):
        rows = selectors.vacancies_by_kind(unit=staffed.districts[0])
    by_code = {v.code: v for v in rows}
    # then each of the five kinds has 8 seats, less the active holders
    assert [v.code for v in rows] == [
        "booth_president",
        "whatsapp_pramukh",
        "bla_liaison",
        "social_media_volunteer",
        "outreach_volunteer",
    ]
    assert (by_code["booth_president"].held, by_code["booth_president"].pending) == (2, 1)
    assert by_code["booth_president"].vacant == 6
    assert (by_code["whatsapp_pramukh"].held, by_code["whatsapp_pramukh"].vacant) == (1, 7)
    assert by_code["bla_liaison"].vacant == 8
    # and for the state, the district 2 holder counts too
    state = {v.code: v for v in selectors.vacancies_by_kind(unit=staffed.state)}
    assert state["booth_president"].held == 3
    assert state["booth_president"].seats == 16


def test_vacancies_of_one_booth(staffed):
    hold(staffed.booths[0], "bla_liaison")
    rows = {v.code: v for v in selectors.vacancies_by_kind(unit=staffed.booths[0])}
    assert (rows["bla_liaison"].seats, rows["bla_liaison"].vacant) == (1, 0)
    assert rows["booth_president"].vacant == 1


def test_recruitment_defaults_to_a_full_booth_each(staffed):
    progress = selectors.recruitment_progress(unit=staffed.districts[0])
    assert (progress.target, progress.verified, progress.target_set) == (40, 22, False)
    assert progress.percent == 55.0
    assert progress.due is None


def test_recruitment_uses_the_units_target(staffed):
    due = dt.date(2027, 1, 31)
    RecruitmentTarget.objects.create(unit=staffed.districts[1], volunteers=20, due=due)
    progress = selectors.recruitment_progress(unit=staffed.districts[1])
    assert (progress.target, progress.verified, progress.target_set) == (20, 11, True)
    assert progress.percent == 55.0
    assert progress.remaining == 9
    assert progress.due == due


SQUARE = {"type": "Polygon", "coordinates": [[[80, 26], [80.1, 26], [80.1, 26.1], [80, 26]]]}


def test_map_features_skip_acs_without_boundary(staffed, django_assert_num_queries):
    # given a boundary on AC 1 and AC 3 only
    for ac in (staffed.acs[0], staffed.acs[2]):
        ac.boundary = json.dumps(SQUARE)
        ac.save(update_fields=["boundary"])
    # when the state's map is built
    with django_assert_num_queries(2):
        collection = selectors.ac_map_features(unit=staffed.state)
    # then only those two ACs are features, with their figures
    assert collection["type"] == "FeatureCollection"
    props = [f["properties"] for f in collection["features"]]
    assert [(p["number"], p["booths_total"], p["booths_full"], p["pct_full"]) for p in props] == [
        (1, 4, 2, 50.0),
        (3, 4, 1, 25.0),
    ]
    assert collection["features"][0]["geometry"] == SQUARE
    # and a district's map holds only its own ACs
    district = selectors.ac_map_features(unit=staffed.districts[1])
    assert [f["properties"]["number"] for f in district["features"]] == [3]
    assert selectors.ac_map_features(unit=staffed.mandals[0])["features"] == []


def test_booth_detail_lists_holders_with_masked_phones(staffed, bob, charlie):
    # given charlie's booth (District 2) with a verified president and a pending pramukh
    booth = Unit.objects.get(id=charlie.unit_id)
    hold(booth, "booth_president", name="रमेश")
    hold(booth, "whatsapp_pramukh", name="Suresh", status=AssignmentStatus.PENDING)
    # when charlie (a volunteer) looks at it
    detail = selectors.booth_detail(unit=booth, user=charlie)
    positions = {p.kind.code: p for p in detail.positions}
    # then the five positions are listed with holders, phones masked
    assert len(detail.positions) == 5
    president = positions["booth_president"].holders[0]
    assert president.name == "रमेश"
    assert "x" in president.phone
    assert positions["whatsapp_pramukh"].holders[0].status == AssignmentStatus.PENDING
    assert positions["bla_liaison"].open_seats == 1
    assert detail.filled == 2
    # and the in-charge chain above his booth is outside his scope, so it is not shown
    assert detail.chain == []


def test_booth_detail_shows_the_incharge_chain_inside_scope(staffed, bob):
    # given in-charges on booth 1's sector and district
    booth = staffed.booths[0]
    hold(staffed.sectors[0], "it_incharge_sector", name="Sunil")
    hold(staffed.districts[0], "it_incharge_district", name="Dinesh")
    hold(booth, "booth_president")
    # when bob (may see phones) looks at booth 1
    detail = selectors.booth_detail(unit=booth, user=bob)
    # then the phone is in full and the chain runs sector, mandal, AC, district
    assert "x" not in detail.positions[0].holders[0].phone
    assert [link.unit.level for link in detail.chain] == ["sector", "mandal", "ac", "district"]
    assert [[h.name for h in link.holders] for link in detail.chain] == [
        ["Sunil"],
        [],
        [],
        ["Dinesh"],
    ]


def test_breadcrumbs_stop_at_the_scope_root(staffed, alice, bob, pc_user):
    booth = staffed.booths[0]
    assert [u.path for u in geo_selectors.breadcrumbs(user=alice, unit=booth)] == [
        "UP",
        "UP/D1",
        "UP/D1/AC1",
        "UP/D1/AC1/M01",
        "UP/D1/AC1/M01/S01",
    ]
    assert next(u.path for u in geo_selectors.breadcrumbs(user=bob, unit=booth)) == "UP/D1"
    assert geo_selectors.breadcrumbs(user=bob, unit=staffed.districts[0]) == []
    # a PC's ACs are not on its path: the PC comes first
    mandal = staffed.mandals[2]
    assert [u.path for u in geo_selectors.breadcrumbs(user=pc_user, unit=mandal)] == [
        "UP/PC02",
        "UP/D2/AC3",
    ]
