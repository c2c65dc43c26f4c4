"""Google Fact Check Tools `claims:search` against recorded answers on loopback."""

from __future__ import annotations

import pytest

from sampark.integrations import base, factcheck_tools
from sampark.integrations.tests.fakes import FakeServer

SEARCH = "/v1alpha1/claims:search"


def config(fake_http: FakeServer, **extra):
    return {"base_url": fake_http.url + "/v1alpha1", "api_key": "AIza-test-key", **extra}


def test_it_reads_every_claim_as_documented_and_follows_page_tokens(fake_http):
    # given two pages of results
    fake_http.add(SEARCH, file="factcheck_tools/claims_page1.json")
    fake_http.add(
        SEARCH, file="factcheck_tools/claims_page2.json", query={"pageToken": "CAoQ-page-2"}
    )
    # when searched with up to three pages
    result = factcheck_tools.claims_search(
        query="EVM", language_code="hi", max_pages=3, config=config(fake_http)
    )
    # then every claim and review is there in the API's order, as the API wrote it
    assert [r.url for c in result.claims for r in c.claim_review] == [
        "https://www.boomlive.in/fact-check/evm-hack-bluetooth-device-video-false-claim-24871",
        "https://www.vishvasnews.com/politics/fact-check-evm-bluetooth-hack-claim-is-fake/",
        "https://www.altnews.in/evm-in-private-car-video-reserve-machines-misleading/",
        "",
        "https://x.com/PIBFactCheck/status/1723456789012349999",
    ]
    assert (result.pages, result.next_page_token) == (2, "")
    evm, car, phone = result.claims
    assert (evm.claimant, evm.claim_date) == ("Social media users", "2024-04-15T00:00:00Z")
    boom = evm.claim_review[0]
    assert boom.publisher == factcheck_tools.Publisher(name="BOOM", site="boomlive.in")
    assert (boom.review_date, boom.textual_rating, boom.language_code) == (
        "2024-04-18T06:30:00Z",
        "False",
        "en",
    )
    assert car.claim_review[0].publisher == factcheck_tools.Publisher(site="altnews.in")
    assert car.claim_review[1].publisher == factcheck_tools.Publisher(name="Nobody")
    assert phone.claim_review[0].textual_rating == "भ्रामक"
    # and the answers were in the documented shape
    assert result.errors == []
    # and the requests carried the query, language, key and page token
    first, second = fake_http.calls(SEARCH)
    assert (first.arg("query"), first.arg("languageCode"), first.arg("key")) == (
        "EVM",
        "hi",
        "AIza-test-key",
    )
    assert first.arg("pageToken") is None
    assert second.arg("pageToken") == "CAoQ-page-2"


@pytest.mark.parametrize(
    ("_case", "claims", "errors", "reviews"),
    [
        ("claim_not_an_object", ["text"], [("claims", "a claim of unexpected shape")], []),
        (
            "review_not_an_object",
            [{"text": "t", "claimReview": [1, {"url": "https://a.in/1"}]}],
            [("claimReview", "a review of unexpected shape")],
            ["https://a.in/1"],
        ),
        (
            "publisher_not_an_object",
            [{"text": "t", "claimReview": [{"url": "https://a.in/1", "publisher": "BOOM"}]}],
            [],
            ["https://a.in/1"],
        ),
    ],
)
def test_parts_of_unexpected_shape_are_reported(_case, claims, errors, reviews):
    # given one page's `claims` with parts not in the documented shape
    found: list[tuple[str, str]] = []
    # when each is read
    read = [c for c in (factcheck_tools.claim_of(item, found) for item in claims) if c]
    # then the bad parts are reported and the rest kept
    assert found == errors
    assert [r.url for c in read for r in c.claim_review] == reviews


def test_it_stops_at_max_pages_and_returns_the_token_to_resume(fake_http):
    # given a first page that says there is more
    fake_http.add(SEARCH, file="factcheck_tools/claims_page1.json")
    # when only one page is allowed
    result = factcheck_tools.claims_search(query="EVM", max_pages=1, config=config(fake_http))
    # then the token to resume is returned
    assert result.next_page_token == "CAoQ-page-2"
    assert len(fake_http.calls(SEARCH)) == 1


def test_429_is_rate_limited(fake_http):
    # given the API is throttling us
    fake_http.add(
        SEARCH, file="factcheck_tools/rate_limited.json", status=429, headers={"Retry-After": "30"}
    )
    # when searched, then RateLimited says when to retry and what Google said
    with pytest.raises(base.RateLimited) as caught:
        factcheck_tools.claims_search(query="EVM", config=config(fake_http))
    assert caught.value.retry_after == 30.0
    assert "Quota exceeded" in str(caught.value)


def test_403_with_a_quota_reason_is_rate_limited(fake_http):
    # given the daily quota is spent (Google answers 403, not 429)
    fake_http.add(SEARCH, file="factcheck_tools/quota_exceeded_403.json", status=403)
    # when searched, then it is a rate limit with the configured delay
    with pytest.raises(base.RateLimited) as caught:
        factcheck_tools.claims_search(query="EVM", config=config(fake_http, rate_limit_delay=600))
    assert caught.value.retry_after == 600.0


def test_a_bad_key_is_a_connector_error_without_the_key(fake_http):
    # given a key the API refuses
    fake_http.add(SEARCH, file="factcheck_tools/invalid_key.json", status=400)
    # when searched, then the error says why without echoing the key
    with pytest.raises(base.ConnectorError) as caught:
        factcheck_tools.claims_search(query="EVM", config=config(fake_http))
    assert not isinstance(caught.value, base.RateLimited)
    assert "API key not valid" in str(caught.value)
    assert "AIza-test-key" not in str(caught.value)


def test_the_key_comes_from_the_environment_by_default(fake_http, monkeypatch):
    # given the key only in GOOGLE_FACTCHECK_API_KEY
    monkeypatch.setenv("GOOGLE_FACTCHECK_API_KEY", "AIza-from-env")
    fake_http.add(SEARCH, file="factcheck_tools/claims_page2.json")
    # when searched without a key in the config
    factcheck_tools.claims_search(query="मोबाइल", config={"base_url": fake_http.url + "/v1alpha1"})
    # then the env key was sent
    assert fake_http.calls(SEARCH)[0].arg("key") == "AIza-from-env"


def test_a_missing_key_names_the_variable(monkeypatch):
    # given no key anywhere
    monkeypatch.delenv("GOOGLE_FACTCHECK_API_KEY", raising=False)
    # when searched, then the error names the variable to set
    with pytest.raises(base.ConnectorError, match="GOOGLE_FACTCHECK_API_KEY"):
        factcheck_tools.claims_search(query="EVM")
