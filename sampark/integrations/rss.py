"""News feeds (RSS/Atom): conditional GET, new entries only, article text on request.

The feed's URL and the article links in it come from users: both are read through the safe
fetcher (`integrations.fetch`), which refuses private addresses at every fetch and redirect.

config: {"url": str, "fetch_articles": bool = False, "max_articles": int = 20}
cursor: {"etag": str, "modified": str, "seen": [entry ids, newest first]}
"""

from __future__ import annotations

import calendar
import hashlib
import io
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base, fetch

logger = logging.getLogger(__name__)

SERVICE = "RSS"
SEEN_KEEP = 500
MAX_ARTICLES = 20
ID_MAX = 200  # Post.external_id


def _when(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            # feedparser has already converted the entry's offset to UTC.
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return datetime.now(tz=UTC)


def _ident(entry: Any) -> str:
    ident = str(entry.get("id") or entry.get("link") or "").strip()
    if not ident and entry.get("title"):
        ident = "title:" + str(entry["title"])
    if len(ident) > ID_MAX:
        # A hash keeps long ids unique where cutting them would merge different entries.
        ident = "sha256:" + hashlib.sha256(ident.encode()).hexdigest()
    return ident


def _body(entry: Any) -> str:
    summary = str(entry.get("summary") or "")
    if not summary and entry.get("content"):
        summary = str(entry["content"][0].get("value") or "")
    return base.strip_html(summary)


def parse_feed(data: bytes, *, base_url: str = "", content_type: str = "") -> list[RawPost]:
    """Entries of an RSS/Atom document as posts, in feed order (no network, no file access)."""
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    # A BytesIO, never bytes or str: feedparser would fetch a URL or open a path given as one.
    feed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not feed.entries and (feed.bozo or not feed.version):
        problem = feed.get("bozo_exception") or "no RSS or Atom elements"
        raise base.ConnectorError(f"{SERVICE}: not a readable RSS/Atom feed ({problem})")
    posts: list[RawPost] = []
    for entry in feed.entries:
        ident = _ident(entry)
        if not ident:
            continue
        title = base.strip_html(str(entry.get("title") or ""))
        body = _body(entry)
        text = title if not body or body == title else f"{title}\n{body}"
        posts.append(
            RawPost(
                platform=Platform.NEWS,
                external_id=ident,
                text=text.strip(),
                posted_at=_when(entry),
                author=base.strip_html(str(entry.get("author") or ""))[:200],
                url=str(entry.get("link") or ""),
                extra={"feed": base.strip_html(str(feed.feed.get("title") or ""))},
            )
        )
    return posts


def article_text(page: bytes | str, *, url: str = "") -> str:
    """Main text of an article page (trafilatura), or "" if it finds none."""
    import trafilatura

    extracted = trafilatura.extract(page, url=url or None, include_comments=False)
    return base.clean_text(extracted or "")


class RssConnector:
    kind = "rss"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """Poll the feed: nothing on 304, else the entries not seen before."""
        url = str(config.get("url") or "")
        if urlsplit(url).scheme not in ("http", "https"):
            raise base.ConnectorError(f"{SERVICE}: the source needs an http(s) 'url', not {url!r}")
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = str(cursor["etag"])
        if cursor.get("modified"):
            headers["If-Modified-Since"] = str(cursor["modified"])
        seen = [str(s) for s in cursor.get("seen") or []]
        with fetch.safe_client() as client:
            try:
                response = fetch.get(url, client=client, headers=headers)
            except fetch.FetchError as exc:
                raise base.ConnectorError(f"{SERVICE}: {exc}") from exc
            if response.status_code == 304:
                return FetchResult(posts=[], cursor=dict(cursor))
            base.raise_for_status(response, service=SERVICE)
            entries = parse_feed(
                response.content,
                base_url=str(response.url),
                content_type=response.headers.get("content-type", ""),
            )
            known = set(seen)
            fresh: list[RawPost] = []
            for post in entries:
                if post.external_id not in known:
                    known.add(post.external_id)
                    fresh.append(post)
            if config.get("fetch_articles"):
                limit = int(config.get("max_articles") or MAX_ARTICLES)
                fresh = [_with_article(client, p) if i < limit else p for i, p in enumerate(fresh)]
        current = list(dict.fromkeys(p.external_id for p in entries))
        # Every id still in the feed stays remembered, however long the feed is.
        in_feed = set(current)
        remembered = current + [s for s in seen if s not in in_feed]
        new_cursor = {
            "etag": response.headers.get("etag", ""),
            "modified": response.headers.get("last-modified", ""),
            "seen": remembered[: max(SEEN_KEEP, len(current))],
        }
        return FetchResult(posts=fresh, cursor=new_cursor)


def _with_article(client: httpx.Client, post: RawPost) -> RawPost:
    """The post with the article's text in place of the feed's summary, when the page yields one."""
    if urlsplit(post.url).scheme not in ("http", "https"):
        return post
    try:
        page = fetch.get(post.url, client=client)
    except (
        fetch.FetchError
    ) as exc:  # an article that will not load (or is refused) keeps the summary
        logger.info("article not fetched: %s", exc)
        return post
    if page.status_code >= 400:
        logger.info("article not fetched: %s", base.describe(page, service=f"{SERVICE} article"))
        return post
    body = article_text(page.content, url=str(page.url))
    title = post.text.split("\n", 1)[0]
    # trafilatura often repeats the headline as the body's first line.
    first, _, rest = body.partition("\n")
    if first.strip() == title.strip():
        body = rest.strip()
    if not body:
        return post
    return RawPost(
        platform=post.platform,
        external_id=post.external_id,
        text=f"{title}\n{body}",
        posted_at=post.posted_at,
        author=post.author,
        url=post.url,
        extra={**post.extra, "article": True},
    )


base.register(RssConnector())
