from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.results import board as boards
from sampark.results import services
from sampark.results.models import BoothStrength, UnitStrength
from sampark.results.tests.fixtures import write_files


@pytest.fixture
def loaded(tree: Tree, tmp_path: Path) -> Tree:
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    Unit.objects.filter(id=tree.booths[0].id).update(volunteers=5)
    services.refresh_strength(state="UP")
    return tree


def test_refresh_scores_booths_and_keeps_one_day_per_unit(loaded: Tree) -> None:
    # given a snapshot written once / when written again the same day
    services.refresh_strength(state="UP")
    # then each booth has one row, the staffed booth scores its volunteer weight share
    assert BoothStrength.objects.count() == 16
    staffed = BoothStrength.objects.get(booth=loaded.booths[0])
    assert staffed.score == pytest.approx(40.0)  # volunteers 40 of weights 100 (training off)
    assert UnitStrength.objects.filter(unit=loaded.state).count() == 1


def test_board_ranks_children_and_finds_weak_close_booths(loaded: Tree) -> None:
    # given AC 1 lost by 10 votes a booth (close) and the others lost by 300 (not close)
    # when the state's board is built by AC
    board = boards.build(unit=loaded.state, child_level="ac")
    # then AC 1's booths (score 0 but one) are the weak and close ones, weakest first
    assert board.booths == 16
    assert board.weak_close_total == 3
    assert {p.id for p in board.weak_close} <= {
        b.id for b in loaded.booths if b.ac_id == loaded.acs[0].id
    }
    ac1 = next(p for p in board.children if p.id == loaded.acs[0].id)
    assert ac1.margin_pct == pytest.approx(-1.39, abs=0.01)
    assert ac1.is_close(board.close_pct)
    assert board.ranked()[0].id != ac1.id  # AC 1 has the staffed booth: not the weakest


def test_page_answers_within_scope_and_404_outside(
    loaded: Tree, alice: User, bob: User, client: Client, django_assert_max_num_queries: object
) -> None:
    # given the state head and a district in-charge
    client.force_login(alice)
    url = reverse("results:unit", kwargs={"unit_id": loaded.state.id})
    # when the state head opens the state page (bounded queries)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get(url, {"by": "ac"})
    # then it shows the ACs and the chart data, with no inline script
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="results-chart-data"' in body
    assert "AC 1" in body
    # and the district in-charge gets 404 for the other district
    client.force_login(bob)
    other = reverse("results:unit", kwargs={"unit_id": loaded.districts[1].id})
    assert client.get(other).status_code == 404
    assert (
        client.get(
            reverse("results:export", kwargs={"unit_id": loaded.districts[1].id})
        ).status_code
        == 404
    )


def test_map_carries_indicators_of_children_with_boundaries(
    loaded: Tree, alice: User, client: Client
) -> None:
    # given one AC with a boundary
    Unit.objects.filter(id=loaded.acs[0].id).update(
        boundary='{"type":"Polygon","coordinates":[[[80,26],[81,26],[81,27],[80,26]]]}'
    )
    client.force_login(alice)
    # when the state's map is asked for by AC
    url = reverse("results:unit_map", kwargs={"unit_id": loaded.state.id})
    data = client.get(url, {"by": "ac"}).json()
    # then that AC comes with its score, share, margin and link
    (feature,) = data["features"]
    assert feature["properties"]["margin"] == pytest.approx(-1.39, abs=0.01)
    assert feature["properties"]["url"].endswith(f"/results/units/{loaded.acs[0].id}/")


def test_exports_csv_and_xlsx_hold_the_same_rows(loaded: Tree, bob: User, client: Client) -> None:
    # given the district in-charge of district 1
    client.force_login(bob)
    url = reverse("results:export", kwargs={"unit_id": loaded.districts[0].id})
    # when every booth is exported as CSV and the children as XLSX
    response = client.get(url, {"list": "booths", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    book = load_workbook(
        io.BytesIO(client.get(url, {"list": "children", "format": "xlsx"}).content)
    )
    # then the CSV has the district's 8 booths and the XLSX its 2 ACs, each under a header
    assert len(rows) == 1 + 8
    assert rows[0][4] == "Strength score"
    sheet = book.active
    assert sheet is not None
    assert sheet.max_row == 1 + 2
    # and an unknown list is a 400, not a 500
    assert client.get(url, {"list": "secrets"}).status_code == 400
