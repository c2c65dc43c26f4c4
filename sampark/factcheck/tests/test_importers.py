"""Imports from files, article URLs and feeds, with their reports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sampark.core.models import AuditEvent
from sampark.factcheck import claimreview, importers
from sampark.factcheck.models import FactCheck
from sampark.integrations import factcheck_tools
from sampark.integrations.tests.fakes import FakeServer, Reply

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE = "/hindi/politics/fact-check-vote-by-otp-claim-is-fake/"


def serve_feed(fake_http: FakeServer) -> str:
    feed = (FIXTURES / "feed.xml").read_bytes().replace(b"{{BASE}}", fake_http.url.encode())
    fake_http.add(
        "/feed/", Reply(200, feed, {"Content-Type": "application/rss+xml; charset=utf-8"})
    )
    article = (FIXTURES / "article_claimreview.html").read_bytes()
    fake_http.add(ARTICLE, Reply(200, article, {"Content-Type": "text/html; charset=utf-8"}))
    fake_http.add(
        "/explainer/how-evms-work/",
        Reply(200, b"<html><body>explainer</body></html>", {"Content-Type": "text/html"}),
    )
    fake_http.add("/gone/", Reply(404, b"gone", {"Content-Type": "text/plain"}))
    return fake_http.url + "/feed/"


def test_a_json_file_is_imported_once(db):
    # given a JSON-LD file
    path = FIXTURES / "claimreview_list.json"
    # when imported twice
    first = importers.import_path(path)
    second = importers.import_path(path)
    # then the first creates, the second finds them unchanged, both report the bad review
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert first.errors == [("claimreview_list.json#3", "no url")]
    assert set(FactCheck.objects.values_list("source", flat=True)) == {"jsonld:file"}
    # and each import is one audit row
    assert AuditEvent.objects.filter(verb="factcheck.imported").count() == 2


def test_a_csv_file_keeps_good_rows(db):
    report = importers.import_path(FIXTURES / "factchecks.csv", source="csv:team-sheet")
    assert report.created == 3
    assert [where for where, _ in report.errors] == ["factchecks.csv:4", "factchecks.csv:6"]
    assert set(FactCheck.objects.values_list("source", flat=True)) == {"csv:team-sheet"}


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(importers.ImportRefused, match="no such file"):
        importers.import_path(tmp_path / "nope.json")


@pytest.fixture
def loopback_allowed(settings):
    # The fake listens on loopback, which the fetcher refuses unless the deployment allows it.
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]


def test_an_article_url_is_fetched_and_its_claimreview_stored(db, fake_http, loopback_allowed):
    # given an article page with an embedded ClaimReview
    serve_feed(fake_http)
    # when its URL is imported
    report = importers.import_url(fake_http.url + ARTICLE)
    # then the fact-check is stored under its canonical URL
    assert report.created == 1
    fc = FactCheck.objects.get()
    assert fc.url == ("https://vishvasnews.com/hindi/politics/fact-check-vote-by-otp-claim-is-fake")
    assert (fc.source, fc.verdict, fc.language) == ("jsonld:url", "false", "hi")


def test_a_feed_url_imports_the_claimreviews_of_its_articles(db, fake_http, loopback_allowed):
    # given a feed whose entries link to a fact-check, an explainer and a dead page
    url = serve_feed(fake_http)
    # when the feed is imported
    report = importers.import_url(url)
    # then the fact-check is stored and the other two are reported
    assert report.created == 1
    assert len(report.errors) == 2
    assert "no ClaimReview" in report.errors[0][1]
    assert "404" in report.errors[1][1]
    assert FactCheck.objects.get().source == "rss:127.0.0.1"


def test_known_feeds_get_their_label():
    assert importers.feed_label("https://www.altnews.in/feed/") == "altnews"
    assert importers.feed_label("https://factly.in/feed") == "factly"
    assert importers.feed_label("https://www.example-checker.in/rss") == "example-checker"


def test_web_imports_refuse_private_addresses(db, fake_http):
    # given a URL on the loopback interface, when imported from the web page (no private hosts)
    with pytest.raises(importers.ImportRefused, match="not a public address"):
        importers.import_url(fake_http.url + ARTICLE)
    # then nothing was fetched
    assert fake_http.requests == []


def test_a_redirect_to_a_private_address_is_refused(db, fake_http, loopback_allowed):
    # given an allowed page that redirects into the internal network
    fake_http.add("/moved/", Reply(302, b"", {"Location": "http://10.0.0.1/admin/"}))
    # when it is imported, then the hop is refused before it is followed
    with pytest.raises(importers.ImportRefused, match=r"10\.0\.0\.1 is not a public address"):
        importers.import_url(fake_http.url + "/moved/")
    assert FactCheck.objects.count() == 0


def test_the_shell_imports_urls_and_feed_files_within_the_allow_list(
    db, settings, fake_http, tmp_path
):
    # given a feed file on disk whose articles are on the loopback fake
    url = serve_feed(fake_http)
    path = tmp_path / "feed.xml"
    path.write_bytes(
        (FIXTURES / "feed.xml").read_bytes().replace(b"{{BASE}}", fake_http.url.encode())
    )
    # when the shell imports the URL and the file with no host allowed
    settings.SAMPARK_FETCH_ALLOW_HOSTS = []
    with pytest.raises(importers.ImportRefused, match="not a public address"):
        importers.import_any(url)
    report = importers.import_any(str(path))
    # then the file is read, and each article's refusal is reported against its entry
    assert report.created == 0
    assert len(report.errors) == 3
    assert all("not a public address" in reason for _, reason in report.errors)
    assert fake_http.requests == []
    # and once the deployment allows the host, the same file imports its fact-check
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    assert importers.import_any(str(path)).created == 1


def test_a_failing_url_is_refused_with_the_reason(db, fake_http, loopback_allowed):
    fake_http.add("/down/", Reply(500, b"oops", {"Content-Type": "text/plain"}))
    with pytest.raises(importers.ImportRefused, match="500"):
        importers.import_url(fake_http.url + "/down/")


# --- Google Fact Check Tools -----------------------------------------------------------------

SEARCH = "/v1alpha1/claims:search"


def serve_google(fake_http: FakeServer) -> dict[str, str]:
    fake_http.add(SEARCH, file="factcheck_tools/claims_page1.json")
    fake_http.add(
        SEARCH, file="factcheck_tools/claims_page2.json", query={"pageToken": "CAoQ-page-2"}
    )
    return {"base_url": fake_http.url + "/v1alpha1", "api_key": "AIza-test-key"}


def test_every_google_review_becomes_one_record(fake_http):
    # given two pages of the API's answer
    config = serve_google(fake_http)
    # when its claims are read as records
    found = factcheck_tools.claims_search(
        query="EVM", language_code="hi", max_pages=3, config=config
    )
    parsed = claimreview.records_from_claims(found.claims)
    # then each review is one record
    assert [r.url for r in parsed.records] == [
        "https://www.boomlive.in/fact-check/evm-hack-bluetooth-device-video-false-claim-24871",
        "https://www.vishvasnews.com/politics/fact-check-evm-bluetooth-hack-claim-is-fake/",
        "https://www.altnews.in/evm-in-private-car-video-reserve-machines-misleading/",
        "https://x.com/PIBFactCheck/status/1723456789012349999",
    ]
    boom, vishvas, altnews, pib = parsed.records
    assert (boom.verdict, boom.publisher, boom.publisher_url, boom.language) == (
        "false",
        "BOOM",
        "https://boomlive.in",
        "en",
    )
    assert boom.claimant == "Social media users"
    assert boom.published_at == datetime(2024, 4, 18, 6, 30, tzinfo=UTC)
    assert (vishvas.verdict, vishvas.language) == ("false", "hi")
    assert (altnews.verdict, altnews.publisher) == ("misleading", "altnews.in")
    assert (pib.verdict, pib.rating) == ("misleading", "भ्रामक")
    # and the review without a URL is reported, not dropped silently
    assert parsed.errors == [("claimReview", "no url")]


def test_a_review_of_a_claim_without_text_is_reported():
    # given a claim whose text is only blanks
    claim = factcheck_tools.Claim(
        text="  ", claim_review=(factcheck_tools.ClaimReview(url="https://a.in/1"),)
    )
    # then its review is reported, not stored
    parsed = claimreview.records_from_claims([claim])
    assert (parsed.records, parsed.errors) == ([], [("https://a.in/1", "no claim text")])


def test_a_google_import_stores_the_records_and_reports_the_rest(db, fake_http):
    # given two pages of the API's answer
    config = serve_google(fake_http)
    # when imported
    report = importers.import_google(query="EVM", config=config)
    # then the four reviews with a URL are stored, and the other one reported
    assert (report.created, report.errors) == (4, [("claimReview", "no url")])
    assert FactCheck.objects.filter(source="google-api").count() == 4
