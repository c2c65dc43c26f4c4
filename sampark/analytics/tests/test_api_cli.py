"""`sampark coverage` and the analytics API: same shape, scoped, paged."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sampark.analytics.tests.fixtures import hold
from sampark.geo.models import Unit

API = "/api/analytics"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("coverage", *args, stdout=out)
    return out.getvalue()


def test_cli_json_gives_the_state_and_its_districts(staffed):
    # when the state's coverage is printed as JSON
    data = json.loads(_run("--unit", "UP", "--json"))
    # then it has the unit's figures and one entry per district
    assert data["unit"] == "UP"
    assert data["name"] == "UP"
    assert (
        data["booths_total"],
        data["booths_full"],
        data["booths_partial"],
        data["booths_empty"],
        data["volunteers"],
    ) == (16, 4, 5, 7, 33)
    assert [c["path"] for c in data["children"]] == ["UP/D1", "UP/D2"]
    first = data["children"][0]
    assert first["name"] == "District 1"
    assert (first["booths_total"], first["booths_full"], first["volunteers"]) == (8, 3, 22)
    assert {"booths_partial", "booths_empty"} <= set(first)


def test_cli_groups_by_another_level(staffed):
    data = json.loads(_run("--unit", "UP/D2", "--json", "--by", "mandal"))
    assert [c["path"] for c in data["children"]] == ["UP/D2/AC3/M01", "UP/D2/AC4/M01"]


def test_cli_table_uses_indian_grouping(staffed):
    # given very busy booths (the table must group lakhs)
    Unit.objects.filter(level="booth").update(volunteers=20000)
    out = _run("--unit", "UP")
    # then the total reads 3,20,000
    assert "3,20,000" in out
    assert "District 1" in out
    assert out.splitlines()[0].split()[:2] == ["unit", "booths"]


def test_cli_rejects_an_unknown_path(tree):
    with pytest.raises(CommandError, match="no unit"):
        _run("--unit", "UP/D99")


def test_cli_rejects_a_level_above_the_unit(tree):
    with pytest.raises(CommandError, match="not below"):
        _run("--unit", "UP/D1", "--by", "district")


def test_api_coverage_has_the_cli_shape(client, staffed, alice):
    client.force_login(alice)
    response = client.get(f"{API}/coverage/{staffed.state.id}")
    assert response.status_code == 200
    assert response.json() == json.loads(_run("--unit", "UP", "--json"))


def test_api_needs_a_login(client, staffed):
    assert client.get(f"{API}/coverage/{staffed.state.id}").status_code == 401


def test_api_is_scoped(client, staffed, bob):
    client.force_login(bob)
    assert client.get(f"{API}/coverage/{staffed.districts[0].id}").json()["volunteers"] == 22
    for unit in (staffed.state, staffed.districts[1], staffed.booths[-1], staffed.pcs[1]):
        assert client.get(f"{API}/coverage/{unit.id}").status_code == 404
        assert client.get(f"{API}/units/{unit.id}/booths-lacking").status_code == 404


def test_api_booths_lacking_pages_with_the_incharge(client, staffed, bob):
    hold(staffed.sectors[1], "it_incharge_sector", name="Sunil")
    client.force_login(bob)
    url = f"{API}/units/{staffed.districts[0].id}/booths-lacking"
    first = client.get(url, {"limit": 2}).json()
    assert first["total"] == 5
    assert first["next_offset"] == 2
    assert [b["number"] for b in first["booths"]] == [2, 3]
    assert first["booths"][1]["incharge"]["name"] == "Sunil"
    assert first["booths"][1]["ac"]["number"] == 1
    assert first["booths"][1]["missing"] == 5
    rest = client.get(url, {"limit": 10, "offset": 2}).json()
    assert [b["number"] for b in rest["booths"]] == [5, 6, 8]
    assert rest["next_offset"] is None


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}],
    ids=["zero_limit_case", "huge_limit_case", "negative_offset_case"],
)
def test_api_booths_lacking_validates_paging(client, staffed, alice, params):
    client.force_login(alice)
    url = f"{API}/units/{staffed.state.id}/booths-lacking"
    assert client.get(url, params).status_code == 422
