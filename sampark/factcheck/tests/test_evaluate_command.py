"""`sampark factcheck evaluate` on a tiny CheckThat!-format set (no database needed)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _write_set(tmp_path: Path) -> Path:
    (tmp_path / "vclaims.tsv").write_text(
        "\tvclaim\ttitle\n"
        "1\tNew ₹2000 notes have a GPS nano chip\tBOOM fact-check\n"
        "2\tRussia released 500 lions on the streets during the lockdown\tBOOM\n"
        "3\tगोमूत्र पीने से कोरोना वायरस ठीक हो जाता है\tAlt News\n",
        encoding="utf-8",
    )
    (tmp_path / "queries.tsv").write_text(
        "\ttweet_content\n"
        "11\t2000 ke naye note me GPS chip hai\n"
        "12\trussia ne 500 sher chhod diye lockdown me 🦁\n"
        "13\tgomutra pine se corona theek\n"
        "14\tcompletely unrelated words here\n",
        encoding="utf-8",
    )
    # query 12's gold is claim 2; query 14's claim is not retrievable
    (tmp_path / "qrels").write_text("11 0 1 1\n12 0 2 1\n13 0 3 1\n14 0 1 1\n", encoding="utf-8")
    return tmp_path


def test_it_prints_the_metrics_as_json(tmp_path, capsys):
    # given a tiny set in the CheckThat! layout
    d = _write_set(tmp_path)
    # when evaluated with the lexical backend
    call_command(
        "factcheck",
        "evaluate",
        "--vclaims",
        str(d / "vclaims.tsv"),
        "--queries",
        str(d / "queries.tsv"),
        "--qrels",
        str(d / "qrels"),
        "--json",
    )
    result = json.loads(capsys.readouterr().out)
    # then every query counts, three of four are found first
    assert {"queries", "map@1", "map@3", "map@5", "success@1", "success@5"} <= set(result)
    # and how the configured bands fall on the queries
    assert {"auto", "auto_precision", "suggest", "suggest_precision"} <= set(result)
    assert result["queries"] == 4
    assert result["map@1"] == 0.75
    assert result["map@5"] == 0.75
    assert result["success@5"] == 0.75


def test_it_rejects_a_missing_file(tmp_path):
    # given no files
    # when evaluate is called
    # then it fails with a clear error
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "factcheck",
            "evaluate",
            "--vclaims",
            str(tmp_path / "x.tsv"),
            "--queries",
            str(tmp_path / "y.tsv"),
            "--qrels",
            str(tmp_path / "z"),
        )


def test_it_counts_negatives_that_reach_a_band(tmp_path, capsys):
    # given a tiny set and messages that repeat no claim, one of them close to a claim
    d = _write_set(tmp_path)
    vclaims = (d / "vclaims.tsv").read_text(encoding="utf-8").splitlines()
    close = vclaims[1].split("\t")[1]
    negatives = tmp_path / "negatives.tsv"
    negatives.write_text(
        "\ttext\n1\tgood morning everyone, meeting at the school at ten\n"
        f"2\t{close}\n3\tjai hind doston\n",
        encoding="utf-8",
    )
    # when evaluated with --negatives
    call_command(
        "factcheck",
        "evaluate",
        "--vclaims",
        str(d / "vclaims.tsv"),
        "--queries",
        str(d / "queries.tsv"),
        "--qrels",
        str(d / "qrels"),
        "--negatives",
        str(negatives),
        "--json",
    )
    result = json.loads(capsys.readouterr().out)
    # then the three negatives are counted, and the one repeating a claim reaches a band
    assert result["negatives"] == 3
    assert result["auto_on_negatives"] + result["suggest_on_negatives"] == 1
