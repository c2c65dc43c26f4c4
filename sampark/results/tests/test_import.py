from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from sampark.devtools.synthetic import Tree
from sampark.results import parties, selectors, services
from sampark.results.models import Result
from sampark.results.tests.fixtures import write_files


def test_party_names_are_normalised_with_aliases() -> None:
    # given the spellings the files use / when normalised / then one name per party
    assert parties.normalise("Apna Dal (soneylal)") == "Apna Dal"
    assert parties.normalise("Apna Dal (Soneylal)") == "Apna Dal"
    assert parties.normalise("Apna Dal") == "Apna Dal"
    assert parties.normalise("Apna Dal (Kamerawadi)") == "Apna Dal (Kamerawadi)"
    assert (
        parties.normalise("Communist Party Of India  (marxist)")
        == "Communist Party of India (Marxist)"
    )
    assert parties.normalise("Suheldev Bhartiya Samaj Party") == "SBSP"
    assert parties.normalise("Communist Party Of India") == parties.normalise(
        "Communist  Party of India"
    )
    assert parties.normalise("votes_nota".removeprefix("votes_")) == "NOTA"


@override_settings(RESULTS_PARTY_ALIASES={"Lotus Party": "BJP"})
def test_aliases_from_settings_join_the_table() -> None:
    # given an alias configured for a state / when normalised / then it maps to the party
    parties.clear_cache()
    try:
        assert parties.normalise("lotus  party") == "BJP"
    finally:
        parties.clear_cache()


def test_import_counts_seats_and_reports_bad_rows(tree: Tree, tmp_path: Path) -> None:
    # given results files for the tree, with a bad part number, a negative vote and a PC 9
    write_files(tree, tmp_path)
    # when imported for the organisation's party BJP
    report = services.import_results(data_dir=tmp_path, party="BJP")
    # then each bad row is named by file and line and the rest is loaded
    assert "up_ls2014_polling_stations.csv:18: part_no 'x' is not a whole number" in report.problems
    assert any(p.startswith("up_ls2014_pc_candidates.csv:9: votes") for p in report.problems)
    assert "up_ls2019_pc_candidates.csv:6: no pc 9 in the tree" in report.problems
    assert report.elections["UP LS 2014"] == {
        "booth": 16,
        "pc": 2,
        "ac": 4,
        "district": 2,
        "state": 1,
    }
    # and the seats count candidates, not the two independents' sum
    assert selectors.seats(state="UP", year=2014, kind="ls") == {"Apna Dal": 1, "BJP": 1}
    assert selectors.seats(state="UP", year=2019, kind="ls") == {"Apna Dal": 1, "BJP": 1}


def test_import_is_idempotent_and_keeps_org_figures(tree: Tree, tmp_path: Path) -> None:
    # given the files imported once
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    # when imported again
    services.import_results(data_dir=tmp_path, party="BJP")
    # then there is one row per unit, and AC 1 is a close loss for BJP (300 v 310 a booth)
    assert Result.objects.filter(level="booth").count() == 16
    ac1 = Result.objects.get(level="ac", unit=tree.acs[0])
    assert (ac1.winner, ac1.org_votes, ac1.org_margin) == ("SP", 1200, -40)
    assert ac1.total == 4 * 720
    assert ac1.electors == 4000
    assert ac1.voters == 3200


def test_unit_results_give_shares_turnout_and_swing(tree: Tree, tmp_path: Path) -> None:
    # given two Lok Sabha elections for PC 1
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    # when its results are read
    found = selectors.unit_results(unit=tree.pcs[0])
    # then the shares and the swing between the elections line up
    assert [r.year for r in found] == [2014, 2019]
    assert found[0].share("BJP") == pytest.approx(54.95, abs=0.01)
    assert found[1].share("BJP") == pytest.approx(66.67, abs=0.01)
    assert selectors.swing(found, "BJP")[1][1] == pytest.approx(11.72, abs=0.01)
    assert found[0].margin == 1000
    assert found[0].org_margin == 1000


def test_summary_command_prints_seats_json(tree: Tree, tmp_path: Path) -> None:
    # given the files imported through the shell command
    write_files(tree, tmp_path)
    call_command("results", "import", "--data", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    # when the summary is asked for
    out = StringIO()
    call_command("results", "summary", "--year", "2014", "--kind", "ls", "--json", stdout=out)
    # then it prints the seats by normalised party
    assert json.loads(out.getvalue()) == {"seats": {"Apna Dal": 1, "BJP": 1}}
