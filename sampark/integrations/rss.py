"""News feeds (RSS/Atom): conditional GET, new entries only, article text on request."""

from __future__ import annotations

import calendar
import html
import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

SEEN_KEEP = 500
_TAGS = re.compile(r"<[^>]+>")


def _text(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value or "")).split())


def _when(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return datetime.now(tz=UTC)


def parse_feed(data: bytes, *, base_url: str = "") -> list[RawPost]:
    """Entries of a feed document as posts (no network)."""
    feed = feedparser.parse(data, response_headers={"content-location": base_url})
    if feed.bozo and not feed.entries:
        raise base.ConnectorError(f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}")
    posts = []
    for entry in feed.entries:
        link = str(entry.get("link") or "")
        ident = str(entry.get("id") or link or entry.get("title") or "")
        if not ident:
            continue
        title = _text(str(entry.get("title") or ""))
        summary = _text(str(entry.get("summary") or ""))
        posts.append(
            RawPost(
                platform=Platform.NEWS,
                external_id=ident[:200],
                text=f"{title}\n{summary}".strip(),
                posted_at=_when(entry),
                author=_text(str(entry.get("author") or "")),
                url=link,
            )
        )
    return posts


def article_text(page: str, *, url: str = "") -> str:
    """Main text of an article page (trafilatura), or "" if it finds none."""
    import trafilatura

    return trafilatura.extract(page, url=url or None, include_comments=False) or ""


class RssConnector:
    kind = "rss"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        url = str(config.get("url") or "")
        if not url:
            raise base.ConnectorError("an RSS source needs a 'url'")
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = str(cursor["etag"])
        if cursor.get("modified"):
            headers["If-Modified-Since"] = str(cursor["modified"])
        with base.http_client() as client:
            response = client.get(url, headers=headers)
            if response.status_code == 304:
                return FetchResult(posts=[], cursor=cursor)
            base.raise_for_status(response)
            entries = parse_feed(response.content, base_url=url)
            seen = list(cursor.get("seen") or [])
            fresh = [p for p in entries if p.external_id not in set(seen)]
            if config.get("fetch_articles"):
                fresh = [self._with_article(client, p) for p in fresh]
        new_cursor = {
            "etag": response.headers.get("etag", ""),
            "modified": response.headers.get("last-modified", ""),
            "seen": ([p.external_id for p in fresh] + seen)[:SEEN_KEEP],
        }
        return FetchResult(posts=fresh, cursor=new_cursor)

    def _with_article(self, client: Any, post: RawPost) -> RawPost:
        if not post.url:
            return post
        try:
            page = client.get(post.url)
        except Exception:  # an article that will not load keeps the feed's summary
            return post
        if page.status_code >= 400:
            return post
        body = article_text(page.text, url=post.url)
        if not body:
            return post
        title = post.text.split("\n", 1)[0]
        return RawPost(
            platform=post.platform,
            external_id=post.external_id,
            text=f"{title}\n{body}",
            posted_at=post.posted_at,
            author=post.author,
            url=post.url,
        )


base.register(RssConnector())
