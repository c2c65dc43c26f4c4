import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from sampark.events import planning, selectors, services
from sampark.events.models import Target
from sampark.events.targets import Band, Weighted, area_km2, band_targets, largest_remainder, split
from sampark.geo.models import Unit


def test_it_measures_a_square_degree_near_the_tropic():
    # given a 0.1° × 0.1° square at 25° N
    ring = [[80, 25], [80.1, 25], [80.1, 25.1], [80, 25.1], [80, 25]]
    # when its area is measured
    area = area_km2(json.dumps({"type": "Polygon", "coordinates": [ring]}))
    # then it is 11.1 km × 10.1 km, about 112 km²
    assert 110 < area < 114


def test_it_places_the_smallest_and_largest_at_the_band_edges():
    # given three hosts of growing electorate and area
    hosts = [Weighted(1, 100, 10.0), Weighted(2, 200, 20.0), Weighted(3, 300, 30.0)]
    # when they are placed in the band
    got = band_targets(hosts, Band(2500, 5000))
    # then the ends get the band's ends and the middle the middle
    assert got == {1: 2500, 2: 3750, 3: 5000}


@pytest.mark.parametrize(
    ("total", "weights"),
    [(10, [1.0, 1.0, 1.0]), (7, [0.5, 0.3, 0.2]), (0, [1.0, 2.0]), (5, [0.0, 0.0])],
    ids=["thirds_case", "uneven_case", "zero_case", "no_weight_case"],
)
def test_it_shares_a_total_exactly(total, weights):
    # when a total is shared by weight
    got = largest_remainder(total, weights)
    # then the parts add up to it
    assert sum(got) == total


def test_a_pinned_child_keeps_its_number_and_the_others_share_the_rest():
    # given three equal children, one pinned at 50
    kids = [Weighted(1, 10, None), Weighted(2, 10, None), Weighted(3, 10, None)]
    # when 200 is split
    got = split(200, kids, electors_weight=0.7, pins={2: 50})
    # then the pin holds and the total is kept
    assert got[2] == 50
    assert got[1] + got[3] == 150


def test_the_cascade_adds_up_at_every_level(season):
    # given a planned season
    targets = dict(Target.objects.filter(season=season).values_list("unit_id", "target"))
    # then every stored parent equals the sum of its stored children (booths are computed)
    for unit in Unit.objects.exclude(level__in=["booth", "pc", "sector"]):
        kids = Unit.objects.filter(parent=unit).values_list("id", flat=True)
        if unit.id in targets and kids:
            assert sum(targets[k] for k in kids) == targets[unit.id], unit.path


def test_booth_targets_add_up_to_their_sector(season, alice, numbered):
    # given a sector
    sector = numbered.sectors[0]
    # when its children's targets are read
    own, children = selectors.child_targets(user=alice, season=season, unit_id=sector.id)
    # then the booths share the sector's target exactly
    assert children
    assert children[0].unit.level == "booth"
    assert sum(c.target for c in children) == own.target


def test_an_adjustment_keeps_the_parents_total(season, bob, numbered):
    # given bob's district and its two ACs
    district, ac = numbered.districts[0], numbered.acs[0]
    before = Target.objects.get(season=season, unit=district).target
    # when bob moves 100 more workers to the first AC, with a reason
    first = Target.objects.get(season=season, unit=ac).target
    services.target_adjust(
        actor=bob, season_id=season.id, unit_id=ac.id, target=first + 100, reason="big town"
    )
    # then the AC has it, its sibling has 100 fewer, and the district is unchanged
    row = Target.objects.get(season=season, unit=ac)
    assert (row.target, row.pinned, row.reason) == (first + 100, True, "big town")
    assert Target.objects.get(season=season, unit=district).target == before
    acs = Target.objects.filter(season=season, unit__parent=district)
    assert sum(acs.values_list("target", flat=True)) == before


def test_an_adjustment_needs_a_reason(season, bob, numbered):
    # when bob adjusts without a reason
    # then it is refused
    with pytest.raises(ValidationError):
        services.target_adjust(
            actor=bob, season_id=season.id, unit_id=numbered.acs[0].id, target=10, reason=" "
        )


def test_an_outsider_cannot_adjust_or_see_another_districts_targets(season, bob, charlie, numbered):
    # given an AC of district 2
    other = numbered.acs[-1]
    # when bob (district 1) adjusts it
    # then it is refused
    with pytest.raises(PermissionDenied):
        services.target_adjust(
            actor=bob, season_id=season.id, unit_id=other.id, target=10, reason="x"
        )
    # and charlie does not see district 1 at all
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.child_targets(user=charlie, season=season, unit_id=numbered.districts[0].id)


def test_the_drill_down_page_shows_the_children(client, season, bob, numbered):
    # given bob logged in
    client.force_login(bob)
    # when he opens his district's targets
    response = client.get(f"/events/seasons/{season.id}/units/{numbered.districts[0].id}/")
    # then the ACs are listed with targets
    assert response.status_code == 200
    assert b"child-targets" in response.content


def test_the_drill_down_page_is_404_outside(client, season, bob, numbered):
    # given bob logged in
    client.force_login(bob)
    # when he opens district 2's targets
    response = client.get(f"/events/seasons/{season.id}/units/{numbered.districts[1].id}/")
    # then it does not exist for him
    assert response.status_code == 404


def test_the_season_page_shows_the_formula(client, season, alice):
    # given alice logged in
    client.force_login(alice)
    # when she opens the season
    response = client.get(f"/events/seasons/{season.id}/")
    # then the formula and both districts are shown
    assert response.status_code == 200
    assert "2500 + 2500 × (0.7" in response.content.decode()


def test_the_command_prints_one_entry_per_district(numbered):
    # when the shell asks for district targets
    out = StringIO()
    call_command(
        "events",
        "targets",
        "--kind",
        "district_workshop",
        "--band",
        "2500:5000",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    # then every district is there with its inputs, inside the band
    assert [u["unit"] for u in data["units"]] == ["UP/D1", "UP/D2"]
    for unit in data["units"]:
        assert set(unit) == {"unit", "name", "electors", "area_km2", "target"}
        assert 2500 <= unit["target"] <= 5000
        assert unit["area_km2"] > 0


def test_the_planner_keeps_regions_apart_and_skips_blocked_days():
    # given four hosts of one region, one of which cannot use the first day
    days = planning.days_between(dt.date(2026, 12, 20), dt.date(2026, 12, 22))
    hosts = [
        planning.Host(1, "WEST", 10, frozenset({days[0]})),
        planning.Host(2, "WEST", 9, frozenset()),
        planning.Host(3, "WEST", 8, frozenset()),
        planning.Host(4, "WEST", 7, frozenset()),
    ]
    # when days are proposed with the state team attending
    got = planning.propose(hosts, days, state_team=True)
    # then three go with the team on three different days, the fourth without it
    assert got[1].day != days[0]
    assert planning.team_clashes(got, {h.unit_id: h.region for h in hosts}) == 0
    assert sum(p.state_team for p in got.values()) == 3
    assert all(p.day is not None for p in got.values())


def test_the_season_avoids_a_silence_period_and_a_holiday(numbered, alice):
    # given a poll in district 1's first AC on 21 Dec, and a holiday on 20 Dec
    from sampark.events.models import Event, Holiday
    from sampark.rules.models import Election, PollPhase

    election = Election.objects.create(state=numbered.state, name="By-election")
    phase = PollPhase.objects.create(election=election, number=1, poll_date=dt.date(2026, 12, 21))
    phase.units.add(numbered.acs[0])
    Holiday.objects.create(day=dt.date(2026, 12, 20), name="Holiday")
    # when a season 20–22 Dec is planned
    season = services.season_create(
        actor=alice,
        name="W",
        kind="district_workshop",
        starts_on=dt.date(2026, 12, 20),
        ends_on=dt.date(2026, 12, 22),
        band_min=100,
        band_max=200,
    )
    # then district 1's workshop is on 22 Dec (not the holiday, not inside 19–21 Dec silence)
    event = Event.objects.get(season=season, unit=numbered.districts[0])
    assert event.starts_at.date() == dt.date(2026, 12, 22)
