"""Google Fact Check Tools API (`claims:search`) and the feeds of Indian fact-checkers.

config: {"api_key_env": "GOOGLE_FACTCHECK_API_KEY" (or "api_key"), "base_url"}
The answer comes back as the API documents it (`Claim` with its `ClaimReview`s, as plain
dataclasses); turning reviews into fact-check records is the factcheck app's business
(`sampark.factcheck.claimreview.records_from_claims`), so this adapter imports only core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from sampark.integrations import base

SERVICE = "Google Fact Check Tools"
API = "https://factchecktools.googleapis.com/v1alpha1"
DEFAULT_CONFIG: dict[str, Any] = {"api_key_env": "GOOGLE_FACTCHECK_API_KEY"}
PAGE_SIZE = 50
# Google answers 403 with these reasons when the key's quota is spent, not 429.
RATE_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}
)

# Feeds of Indian fact-checkers (label → URL), for `sampark factcheck import URL` or the
# setting SAMPARK_FACTCHECK_FEEDS. PIB Fact Check publishes on X and its site, not as a feed.
INDIAN_FACTCHECK_FEEDS: dict[str, str] = {
    "altnews": "https://www.altnews.in/feed/",
    "altnews-hindi": "https://www.altnews.in/hindi/feed/",
    "boom": "https://www.boomlive.in/fact-check/feed",
    "boom-hindi": "https://hindi.boomlive.in/fact-check/feed",
    "factly": "https://factly.in/feed/",
    "vishvasnews": "https://www.vishvasnews.com/feed/",
    "vishvasnews-english": "https://www.vishvasnews.com/english/feed/",
    "newschecker-hindi": "https://newschecker.in/hi/feed",
    "newschecker": "https://newschecker.in/feed",
}


@dataclass(frozen=True, slots=True)
class Publisher:
    """`publisher` of a ClaimReview: the fact-checker's name and site (either may be empty)."""

    name: str = ""
    site: str = ""


@dataclass(frozen=True, slots=True)
class ClaimReview:
    """One review of a claim, with the API's fields (`reviewDate` as sent, RFC 3339)."""

    url: str = ""
    title: str = ""
    publisher: Publisher = field(default_factory=Publisher)
    review_date: str = ""
    textual_rating: str = ""
    language_code: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim of a `claims:search` answer with its reviews, in the API's order."""

    text: str = ""
    claimant: str = ""
    claim_date: str = ""
    claim_review: tuple[ClaimReview, ...] = ()


@dataclass(slots=True)
class SearchResult:
    claims: list[Claim] = field(default_factory=list)
    # (where, reason) for parts of the answer not in the documented shape
    errors: list[tuple[str, str]] = field(default_factory=list)
    next_page_token: str = ""
    pages: int = 0


def _reasons(response: httpx.Response) -> set[str]:
    try:
        error = response.json().get("error") or {}
        return {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    except (ValueError, AttributeError, UnicodeDecodeError):
        return set()


def _page(
    client: httpx.Client, url: str, params: dict[str, Any], *, rate_limit_delay: float
) -> dict[str, Any]:
    response = base.send(client, "GET", url, service=SERVICE, params=params)
    if response.status_code == 403 and _reasons(response) & RATE_REASONS:
        raise base.RateLimited(
            f"{base.describe(response, service=SERVICE)}; retry in {int(rate_limit_delay)} s",
            retry_after=rate_limit_delay,
        )
    base.raise_for_status(response, service=SERVICE, default_wait=rate_limit_delay)
    payload = base.json_object(response, service=SERVICE)
    if not isinstance(payload.get("claims", []), list):
        raise base.ConnectorError(f"{SERVICE}: 'claims' is not a list")
    return payload


def _str(value: Any) -> str:
    return str(value or "")


def claim_of(item: Any, errors: list[tuple[str, str]]) -> Claim | None:
    """One element of `claims` as a Claim; shapes other than documented go to `errors`."""
    if not isinstance(item, dict):
        errors.append(("claims", "a claim of unexpected shape"))
        return None
    reviews = []
    for review in item.get("claimReview") or []:
        if not isinstance(review, dict):
            errors.append(("claimReview", "a review of unexpected shape"))
            continue
        publisher = review.get("publisher") or {}
        if not isinstance(publisher, dict):
            publisher = {}
        reviews.append(
            ClaimReview(
                url=_str(review.get("url")),
                title=_str(review.get("title")),
                publisher=Publisher(
                    name=_str(publisher.get("name")), site=_str(publisher.get("site"))
                ),
                review_date=_str(review.get("reviewDate")),
                textual_rating=_str(review.get("textualRating")),
                language_code=_str(review.get("languageCode")),
            )
        )
    return Claim(
        text=_str(item.get("text")),
        claimant=_str(item.get("claimant")),
        claim_date=_str(item.get("claimDate")),
        claim_review=tuple(reviews),
    )


def claims_search(
    *,
    query: str = "",
    language_code: str = "",
    publisher_site: str = "",
    max_age_days: int | None = None,
    page_token: str = "",
    max_pages: int = 1,
    page_size: int = PAGE_SIZE,
    config: dict[str, Any] | None = None,
    client: httpx.Client | None = None,
) -> SearchResult:
    """Fact-checks for a query (or from one publisher), following pageToken up to `max_pages`.

    `next_page_token` is set when the walk stopped with pages left, to resume from there.
    """
    config = {**DEFAULT_CONFIG, **(config or {})}
    if not query and not publisher_site:
        raise base.ConnectorError(f"{SERVICE}: give a query or a publisher site")
    key = base.secret(config, "api_key")
    url = f"{str(config.get('base_url') or API).rstrip('/')}/claims:search"
    params: dict[str, Any] = {"key": key, "pageSize": page_size}
    if query:
        params["query"] = query
    if language_code:
        params["languageCode"] = language_code
    if publisher_site:
        params["reviewPublisherSiteFilter"] = publisher_site
    if max_age_days is not None:
        params["maxAgeDays"] = max_age_days
    delay = float(config.get("rate_limit_delay") or 60.0)
    result = SearchResult(next_page_token=page_token)
    owned = client is None
    http = client or base.http_client()
    try:
        while result.pages < max_pages:
            token = result.next_page_token
            payload = _page(
                http, url, {**params, **({"pageToken": token} if token else {})},
                rate_limit_delay=delay,
            )  # fmt: skip
            result.pages += 1
            for item in payload.get("claims") or []:
                claim = claim_of(item, result.errors)
                if claim is not None:
                    result.claims.append(claim)
            result.next_page_token = str(payload.get("nextPageToken") or "")
            if not result.next_page_token:
                break
    finally:
        if owned:
            http.close()
    return result
