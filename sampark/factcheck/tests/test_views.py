"""The search, detail and import pages, and the API; 404 for users without the capabilities."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from sampark.core.models import Task
from sampark.devtools.demo import factcheck as demo
from sampark.factcheck import tasks as factcheck_tasks
from sampark.factcheck.models import FactCheck

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GPS_FORWARD = "2000 रुपये के नए नोट में GPS चिप लगी है। सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है"


@pytest.fixture
def kb(db):
    demo.load()


def test_search_page_shows_matches_with_verdict_and_band(client, alice, kb):
    # given the state head on the search page
    client.force_login(alice)
    # when she pastes a forward about the GPS chip
    response = client.get("/factchecks/", {"q": GPS_FORWARD})
    # then matching fact-checks come with verdict badge, band and publisher
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="band"' in html
    assert "Alt News" in html
    rows = response.context["rows"]
    assert response.context["matched"] is True
    assert "GPS" in rows[0].fact_check.claim_reviewed
    assert rows[0].band in {"auto", "suggest"}


def test_search_filters_by_language_and_verdict(client, analyst, kb):
    client.force_login(analyst)
    # when filtered to English fact-checks
    response = client.get("/factchecks/", {"q": GPS_FORWARD, "language": "en"})
    # then only English ones are listed
    assert {r.fact_check.language for r in response.context["rows"]} == {"en"}
    # and without a query the latest true fact-checks are listed
    response = client.get("/factchecks/", {"verdict": "true"})
    assert [r.fact_check.verdict for r in response.context["rows"]] == ["true"]


def test_short_queries_fall_back_to_words(client, bob, kb):
    # given a query too vague for the matcher's bands
    client.force_login(bob)
    response = client.get("/factchecks/", {"q": "UNESCO"})
    # then fact-checks containing the word are listed
    assert response.status_code == 200
    assert any("UNESCO" in r.fact_check.claim_reviewed for r in response.context["rows"])


def test_a_hindi_word_finds_fact_checks_that_use_its_english_name(client, bob, db):
    # given a fact-check about demonetisation, in English
    FactCheck.objects.create(
        url="https://factcheck.example.org/demonetisation-coins",
        claim_reviewed="Demonetisation of ₹10 coins announced by the RBI",
        verdict="false",
        language="en",
    )
    client.force_login(bob)
    # when bob searches for नोटबंदी
    response = client.get("/factchecks/", {"q": "नोटबंदी"})
    # then the English fact-check is listed
    assert response.status_code == 200
    assert [r.fact_check.url for r in response.context["rows"]] == [
        "https://factcheck.example.org/demonetisation-coins"
    ]


def test_the_search_page_has_a_query_budget(client, alice, kb, django_assert_max_num_queries):
    client.force_login(alice)
    client.get("/factchecks/", {"q": GPS_FORWARD})  # build the index outside the budget
    with django_assert_max_num_queries(12):
        assert client.get("/factchecks/", {"q": GPS_FORWARD}).status_code == 200


def test_detail_page(client, analyst, kb):
    fc = FactCheck.objects.filter(publisher="BOOM").first()
    assert fc is not None
    client.force_login(analyst)
    response = client.get(f"/factchecks/{fc.id}/")
    assert response.status_code == 200
    assert fc.claim_reviewed in response.content.decode()
    assert fc.url in response.content.decode()


def test_outsider_gets_404_on_every_page(client, charlie, kb):
    # given a booth volunteer (no listen, triage or manage_factchecks)
    fc = FactCheck.objects.first()
    assert fc is not None
    client.force_login(charlie)
    # then search, detail, import and the API are all 404
    assert client.get("/factchecks/").status_code == 404
    assert client.get(f"/factchecks/{fc.id}/").status_code == 404
    assert client.get("/factchecks/import/").status_code == 404
    assert client.get(f"/api/factcheck/factchecks/{fc.id}").status_code == 404
    assert client.get("/api/factcheck/search", {"q": GPS_FORWARD}).status_code == 404
    assert client.get("/api/factcheck/factchecks").status_code == 404


def test_import_page_needs_manage_factchecks(client, bob, db):
    # given a district in-charge, who listens but does not manage fact-checks
    client.force_login(bob)
    assert client.get("/factchecks/").status_code == 200
    assert client.get("/factchecks/import/").status_code == 403


def test_analyst_imports_a_csv_upload(client, analyst):
    # given an analyst on the import page
    client.force_login(analyst)
    upload = SimpleUploadedFile(
        "factchecks.csv", (FIXTURES / "factchecks.csv").read_bytes(), content_type="text/csv"
    )
    # when the CSV is uploaded
    response = client.post("/factchecks/import/", {"file": upload})
    # then the report shows three new and two problems with their lines
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, len(report.errors)) == (3, 2)
    assert "factchecks.csv:4" in response.content.decode()
    assert FactCheck.objects.count() == 3


def test_import_form_needs_a_file_or_a_link(client, analyst):
    client.force_login(analyst)
    response = client.post("/factchecks/import/", {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert FactCheck.objects.count() == 0


def test_import_of_a_private_link_is_refused(client, analyst):
    client.force_login(analyst)
    response = client.post("/factchecks/import/", {"url": "http://127.0.0.1:9/feed"})
    assert response.status_code == 200
    assert "not a public address" in response.content.decode()


def test_api_search_and_detail(client, bob, kb):
    client.force_login(bob)
    # when the API is asked for matches
    response = client.get("/api/factcheck/search", {"q": GPS_FORWARD, "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body) <= 3
    assert body[0]["band"] in {"auto", "suggest"}
    assert "GPS" in body[0]["fact_check"]["claim_reviewed"]
    # and for one fact-check
    fc_id = body[0]["fact_check"]["id"]
    detail = client.get(f"/api/factcheck/factchecks/{fc_id}")
    assert detail.status_code == 200
    assert detail.json()["verdict"] == body[0]["fact_check"]["verdict"]
    # and the list filters
    listed = client.get("/api/factcheck/factchecks", {"language": "hi", "limit": 5}).json()
    assert len(listed) == 5
    assert {f["language"] for f in listed} == {"hi"}
    assert client.get("/api/factcheck/factchecks", {"verdict": "bogus"}).status_code == 422


def test_a_large_upload_is_imported_by_the_worker(client, analyst, settings):
    # given an analyst and a file larger than what the request imports itself
    settings.SAMPARK_FACTCHECK_INLINE_BYTES = 10
    client.force_login(analyst)
    upload = SimpleUploadedFile(
        "factchecks.csv", (FIXTURES / "factchecks.csv").read_bytes(), content_type="text/csv"
    )

    # when it is uploaded, then the page says it is queued and nothing is stored yet
    response = client.post("/factchecks/import/", {"file": upload})
    assert response.status_code == 200
    assert 'data-testid="import-queued"' in response.content.decode()
    assert FactCheck.objects.count() == 0

    # when the worker runs the task, then the fact-checks are in and the copy is gone
    task = Task.objects.get(name="factcheck.import_file")
    result = factcheck_tasks.import_file_run(**task.payload)
    assert result is not None
    assert (result["created"], result["errors"]) == (3, 2)
    assert FactCheck.objects.count() == 3
    assert not default_storage.exists(task.payload["stored"])
