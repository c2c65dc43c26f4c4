"""CSV/JSONL imports: bad rows reported with line and reason, good rows kept, re-import adds nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from sampark.monitoring import importers
from sampark.monitoring.models import Post

GOOD = {"id": "t1", "text": "EVM hack ki afwaah", "posted_at": "2026-11-20T10:00:00+05:30"}


def test_jsonl_keeps_good_rows_and_reports_bad_ones():
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({"id": "t2", "text": "x"}),
        json.dumps({**GOOD, "id": "t3", "platform": "whatsapp"}),
        json.dumps({**GOOD, "id": "t4", "likes": "many"}),
        "",
        json.dumps({**GOOD, "id": "t5", "platform": "youtube", "posted_at": "1763614800"}),
        json.dumps([1, 2]),
    ]
    parsed = importers.parse_jsonl("\n".join(lines).encode())
    assert [p.external_id for p in parsed.posts] == ["t1", "t5"]
    reasons = {e.line: e.reason for e in parsed.errors}
    assert set(reasons) == {2, 3, 4, 5, 8}
    assert "missing posted_at" in reasons[3]
    assert "whatsapp" in reasons[4]
    assert "likes" in reasons[5]
    assert parsed.posts[0].posted_at.utcoffset() is not None


def test_csv_header_must_name_the_required_columns():
    parsed = importers.parse_csv(b"id,body\n1,hello\n")
    assert not parsed.posts
    assert parsed.errors[0].line == 1
    assert "text" in parsed.errors[0].reason


def test_csv_rows_with_devanagari_and_bom():
    data = "\ufeffid,text,posted_at,platform\n1,ईवीएम हैक की अफवाह,2026-11-20 10:00,x\n2,,2026-11-20 10:00,x\n"
    parsed = importers.parse_csv(data.encode())
    assert [p.text for p in parsed.posts] == ["ईवीएम हैक की अफवाह"]
    assert parsed.errors[0].line == 3


@pytest.mark.django_db
def test_ingest_jsonl_command_is_idempotent(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(GOOD) + "\nbroken\n", encoding="utf-8")
    call_command("ingest", "jsonl", str(path), "--json")
    first = json.loads(capsys.readouterr().out)
    call_command("ingest", "jsonl", str(path), "--json")
    second = json.loads(capsys.readouterr().out)
    assert first["new"] == 1
    assert [e["line"] for e in first["errors"]] == [2]
    assert second["new"] == 0
    assert second["already_had"] == 1
    assert Post.objects.count() == 1
