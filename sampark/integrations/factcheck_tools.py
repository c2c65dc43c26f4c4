"""Google Fact Check Tools API (`claims:search`) and the feeds of Indian fact-checkers.

config: {"api_key_env": "GOOGLE_FACTCHECK_API_KEY" (or "api_key"), "base_url"}
Each claim the API returns carries one or more reviews; every review becomes one
ClaimReviewData (the knowledge base deduplicates them by URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from sampark.factcheck.claimreview import ClaimReviewData, language_of, parse_date, verdict_of
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


@dataclass(slots=True)
class SearchResult:
    records: list[ClaimReviewData] = field(default_factory=list)
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


def records_of(claim: Any) -> Iterator[ClaimReviewData | tuple[str, str]]:
    """The reviews of one API claim as records, or (where, reason) for unusable ones."""
    if not isinstance(claim, dict):
        yield ("claims", "a claim of unexpected shape")
        return
    text = " ".join(str(claim.get("text") or "").split())
    claimant = str(claim.get("claimant") or "")[:300]
    for review in claim.get("claimReview") or []:
        if not isinstance(review, dict):
            yield ("claimReview", "a review of unexpected shape")
            continue
        url = str(review.get("url") or "")
        if not url or not text:
            yield (url or "claimReview", "no url" if not url else "no claim text")
            continue
        publisher = review.get("publisher") or {}
        if not isinstance(publisher, dict):
            publisher = {}
        site = str(publisher.get("site") or "")
        rating = str(review.get("textualRating") or "")
        title = str(review.get("title") or "")
        yield ClaimReviewData(
            url=url,
            claim_reviewed=text,
            rating=rating[:200],
            verdict=verdict_of(rating),
            claimant=claimant,
            publisher=str(publisher.get("name") or site)[:200],
            publisher_url=f"https://{site}" if site and "://" not in site else site,
            published_at=parse_date(review.get("reviewDate")) or parse_date(claim.get("claimDate")),
            language=language_of(str(review.get("languageCode") or ""), text=f"{text} {title}"),
            title=title[:500],
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
            for claim in payload.get("claims") or []:
                for item in records_of(claim):
                    if isinstance(item, ClaimReviewData):
                        result.records.append(item)
                    else:
                        result.errors.append(item)
            result.next_page_token = str(payload.get("nextPageToken") or "")
            if not result.next_page_token:
                break
    finally:
        if owned:
            http.close()
    return result
