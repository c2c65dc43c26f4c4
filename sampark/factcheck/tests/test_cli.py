"""`sampark factcheck import` and `sampark factcheck match` through the management command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sampark.devtools.demo import factcheck as demo
from sampark.factcheck.models import FactCheck

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(*argv: str) -> str:
    out = StringIO()
    call_command("factcheck", *argv, stdout=out)
    return out.getvalue()


def test_import_a_file_prints_a_json_report(db):
    # when a JSON-LD file is imported with a label
    out = run(
        "import", str(FIXTURES / "claimreview_list.json"), "--source", "jsonld:team", "--json"
    )
    # then the report counts it and names the bad review
    report = json.loads(out)
    assert report == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [{"where": "claimreview_list.json#3", "reason": "no url"}],
    }
    assert set(FactCheck.objects.values_list("source", flat=True)) == {"jsonld:team"}


def test_import_prints_a_readable_summary(db):
    out = run("import", str(FIXTURES / "factchecks.csv"))
    assert out.splitlines()[0] == "created 3, updated 0, unchanged 0, errors 2"
    assert "factchecks.csv:6: unreadable date 'next tuesday'" in out


def test_import_needs_a_target(db):
    with pytest.raises(CommandError, match="FILE or URL"):
        run("import")
    with pytest.raises(CommandError, match="no such file"):
        run("import", "/nonexistent/factchecks.json")


def test_match_prints_json_with_the_fields_the_shell_contract_names(db):
    # given the demo knowledge base
    demo.load()
    # when a forward is matched
    out = run(
        "match",
        "EVM machines can be hacked with a bluetooth device from outside the polling booth, share",
        "--k",
        "2",
        "--json",
    )
    # then the best matches come with url, claim, publisher, verdict, score and band
    rows = json.loads(out)
    assert 1 <= len(rows) <= 2
    assert {"url", "claim", "publisher", "verdict", "score", "band"} <= set(rows[0])
    assert "EVM" in rows[0]["claim"]
    assert rows[0]["verdict"] == "false"
    assert rows[0]["score"] >= rows[-1]["score"]


def test_match_without_matches_says_so(db):
    assert run("match", "aaj ka mausam suhana hai").strip() == "no matching fact-check"
