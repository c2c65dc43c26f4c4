"""CSV/JSONL imports: bad rows reported with line and reason, good rows kept, re-import adds nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

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


# --- bad input (issue #12) ------------------------------------------------------------------

FUZZ = hypothesis_settings(max_examples=300, deadline=None)
VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["inf", "1e999", "-1e30", "9" * 40, "2026-02-30T10:00", "0001-01-01"]),
)
ROW = st.fixed_dictionaries(
    {"id": VALUE, "text": VALUE, "posted_at": VALUE},
    optional={"platform": VALUE, "likes": VALUE, "views": VALUE, "author": VALUE},
)


@FUZZ
@given(st.lists(ROW | st.recursive(VALUE, lambda inner: st.lists(inner, max_size=3)), max_size=5))
def test_parse_jsonl_never_raises(rows):
    # when any JSON lines are parsed, then each is a post or a row error
    data = "\n".join(json.dumps(row) for row in rows).encode()
    parsed = importers.parse_jsonl(data)
    assert len(parsed.posts) + len(parsed.errors) <= len(rows)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('id,text,posted_at"\r\n\x00 12:-T9inf'))))
def test_parse_csv_never_raises(text):
    importers.parse_csv(("id,text,posted_at\n" + text).encode())


def test_csv_with_a_bare_cr_and_a_huge_field_keeps_the_good_rows():
    big = "x" * 200_000
    data = f"id,text,posted_at\nt1,one,1763614800\rt2,{big},1763614800\nt3,three,inf\n"
    parsed = importers.parse_csv(data.encode())
    assert [p.external_id for p in parsed.posts] == ["t1"]
    assert len(parsed.errors) == 2


def test_jsonl_with_deep_nesting_and_infinite_numbers_keeps_the_good_rows():
    lines = [
        json.dumps(GOOD),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({**GOOD, "id": "t2", "posted_at": "1e999"}),
        '{"id": "t3", "text": "x", "posted_at": "1763614800", "likes": 1e999}',
    ]
    parsed = importers.parse_jsonl("\n".join(lines).encode())
    assert [p.external_id for p in parsed.posts] == ["t1"]
    assert [e.line for e in parsed.errors] == [2, 3, 4]
