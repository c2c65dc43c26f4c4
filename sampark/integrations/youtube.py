"""YouTube Data API v3: new videos for a search, and comments on a video or a channel.

youtube_search   config: {"query", "api_key_env" (or "api_key"), "base_url", "max_pages" = 1,
                          "region_code", "relevance_language", "quota_delay", "rate_limit_delay"}
                 cursor: {"published_after": RFC 3339, "seen": [video ids]}
youtube_comments config: {"video_id" | "channel_id", "api_key_env" (or "api_key"), "base_url",
                          "max_pages" = 3, "quota_delay", "rate_limit_delay"}
                 cursor: {"newest": RFC 3339, "seen": [comment ids]}
Both add {"page_token", "pending"} while a capped walk is unfinished.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

SERVICE = "YouTube"
API = "https://www.googleapis.com/youtube/v3"
SEEN_KEEP = 500
# The daily quota is gone until midnight in California; per-minute limits pass much sooner.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
RATE_LIMIT_DELAY = 300.0


def until_quota_reset(now: datetime | None = None) -> float:
    """Seconds to the next midnight in California, when the daily quota resets."""
    pacific = (now or datetime.now(tz=UTC)).astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = datetime.combine(
        pacific.date() + timedelta(days=1), datetime.min.time(), tzinfo=pacific.tzinfo
    )
    # Subtract in UTC: wall-clock subtraction in one zone ignores a DST change that night.
    return (midnight.astimezone(UTC) - pacific.astimezone(UTC)).total_seconds()


def _reasons(response: httpx.Response) -> set[str]:
    try:
        error = response.json().get("error") or {}
        return {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    except (ValueError, AttributeError, UnicodeDecodeError):
        return set()


def _get(
    client: httpx.Client, url: str, params: dict[str, Any], config: dict[str, Any]
) -> dict[str, Any]:
    response = base.send(client, "GET", url, service=SERVICE, params=params)
    if response.status_code in (403, 429):
        reasons = _reasons(response)
        if reasons & (QUOTA_REASONS | RATE_REASONS):
            if config.get("quota_delay"):
                wait = float(config["quota_delay"])
            elif reasons & QUOTA_REASONS:
                wait = until_quota_reset()
            else:
                wait = float(config.get("rate_limit_delay") or RATE_LIMIT_DELAY)
            raise base.RateLimited(
                f"{base.describe(response, service=SERVICE)}; retry in {int(wait)} s",
                retry_after=wait,
            )
    base.raise_for_status(response, service=SERVICE)
    payload = base.json_object(response, service=SERVICE)
    if not isinstance(payload.get("items", []), list):
        raise base.ConnectorError(f"{SERVICE}: 'items' is not a list")
    return payload


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _later(a: str, b: datetime) -> str:
    return _rfc3339(b) if not a or b > base.parse_time(a, service=SERVICE) else a


def _remember(seen: list[str], new: list[str]) -> list[str]:
    fresh = set(new)
    return (new + [s for s in seen if s not in fresh])[:SEEN_KEEP]


def _video(item: Any) -> RawPost | None:
    if not isinstance(item, dict):
        raise base.ConnectorError(f"{SERVICE}: a search result of unexpected shape")
    vid = (item.get("id") or {}).get("videoId")
    snip = item.get("snippet") or {}
    if not vid:
        return None  # a channel or playlist result
    # search.list escapes HTML in titles and descriptions (&#39;, &quot;).
    title = html.unescape(str(snip.get("title") or ""))
    description = html.unescape(str(snip.get("description") or ""))
    return RawPost(
        platform=Platform.YOUTUBE,
        external_id=f"video:{vid}",
        text=base.clean_text(f"{title}\n{description}"),
        posted_at=base.parse_time(snip.get("publishedAt"), service=SERVICE),
        author=str(snip.get("channelTitle") or "")[:200],
        url=f"https://www.youtube.com/watch?v={vid}",
        extra={"channel_id": str(snip.get("channelId") or ""), "video_id": str(vid)},
    )


def _key(config: dict[str, Any]) -> str:
    return base.secret(config, "api_key")


class SearchConnector:
    kind = "youtube_search"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """Videos published since the cursor that match the query, newest first."""
        key = _key(config)
        query = str(config.get("query") or "")
        if not query:
            raise base.ConnectorError(f"{SERVICE}: the search source needs a 'query'")
        url = str(config.get("base_url") or API).rstrip("/") + "/search"
        params: dict[str, Any] = {
            "part": "snippet",
            "q": query,
            "type": "video",
            "order": "date",
            "maxResults": 50,
            "key": key,
        }
        for option, name in (
            ("region_code", "regionCode"),
            ("relevance_language", "relevanceLanguage"),
        ):
            if config.get(option):
                params[name] = config[option]
        since = str(cursor.get("published_after") or "")
        if since:
            params["publishedAfter"] = since
        if cursor.get("page_token"):
            params["pageToken"] = cursor["page_token"]
        seen = [str(s) for s in cursor.get("seen") or []]
        known = set(seen)
        newest = str(cursor.get("pending") or since)
        posts: list[RawPost] = []
        token = ""
        with base.http_client() as client:
            # search.list costs 100 quota units a call: one page per poll unless told otherwise.
            for _ in range(int(config.get("max_pages") or 1)):
                payload = _get(client, url, params, config)
                for item in payload.get("items", []):
                    post = _video(item)
                    if post is None or post.external_id in known:
                        continue
                    known.add(post.external_id)
                    posts.append(post)
                    newest = _later(newest, post.posted_at)
                token = str(payload.get("nextPageToken") or "")
                if not token:
                    break
                params["pageToken"] = token
        seen = _remember(seen, [p.external_id for p in posts])
        # Without a lower bound, older pages are history, not news: only resume a bounded walk.
        if token and since:
            return FetchResult(
                posts=posts,
                cursor={
                    "published_after": since,
                    "seen": seen,
                    "page_token": token,
                    "pending": newest,
                },
                exhausted=False,
            )
        return FetchResult(
            posts=posts,
            cursor={"published_after": newest, "seen": seen} if newest else {"seen": seen},
        )


def _comment(comment: Any, *, video: str, reply_to: str = "") -> RawPost:
    if not isinstance(comment, dict) or not comment.get("id"):
        raise base.ConnectorError(f"{SERVICE}: a comment without an id")
    snip = comment.get("snippet") or {}
    ident = str(comment["id"])
    video = str(snip.get("videoId") or video)
    return RawPost(
        platform=Platform.YOUTUBE,
        external_id=f"comment:{ident}",
        text=base.clean_text(str(snip.get("textOriginal") or snip.get("textDisplay") or "")),
        posted_at=base.parse_time(snip.get("publishedAt"), service=SERVICE),
        author=str(snip.get("authorDisplayName") or "")[:200],
        url=f"https://www.youtube.com/watch?v={video}&lc={ident}",
        reply_to=reply_to,
        metrics={"likes": int(snip.get("likeCount") or 0)},
        extra={"video_id": video},
    )


class CommentsConnector:
    kind = "youtube_comments"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """Comments (and the replies the API includes) newer than the cursor, newest first."""
        key = _key(config)
        url = str(config.get("base_url") or API).rstrip("/") + "/commentThreads"
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
            "key": key,
        }
        if config.get("video_id"):
            params["videoId"] = config["video_id"]
        elif config.get("channel_id"):
            params["allThreadsRelatedToChannelId"] = config["channel_id"]
        else:
            raise base.ConnectorError(
                f"{SERVICE}: a comments source needs 'video_id' or 'channel_id'"
            )
        if cursor.get("page_token"):
            params["pageToken"] = cursor["page_token"]
        since_text = str(cursor.get("newest") or "")
        since = base.parse_time(since_text, service=SERVICE) if since_text else None
        newest = str(cursor.get("pending") or since_text)
        seen = [str(s) for s in cursor.get("seen") or []]
        known = set(seen)
        posts: list[RawPost] = []
        token = ""
        reached_seen = False
        with base.http_client() as client:
            for _ in range(int(config.get("max_pages") or 3)):
                payload = _get(client, url, params, config)
                for item in payload.get("items", []):
                    if not isinstance(item, dict):
                        raise base.ConnectorError(
                            f"{SERVICE}: a comment thread of unexpected shape"
                        )
                    snippet = item.get("snippet") or {}
                    video = str(snippet.get("videoId") or config.get("video_id") or "")
                    top = _comment(snippet.get("topLevelComment"), video=video)
                    if since and top.posted_at < since:
                        reached_seen = True  # newest first: everything further was seen before
                        break
                    replies = [
                        _comment(c, video=video, reply_to=top.external_id)
                        for c in (item.get("replies") or {}).get("comments") or []
                    ]
                    for post in (top, *replies):
                        if post.external_id in known or (since and post.posted_at < since):
                            continue
                        known.add(post.external_id)
                        posts.append(post)
                        newest = _later(newest, post.posted_at)
                token = str(payload.get("nextPageToken") or "")
                if reached_seen or not token:
                    token = ""
                    break
                params["pageToken"] = token
        seen = _remember(seen, [p.external_id for p in posts])
        if token and since:
            return FetchResult(
                posts=posts,
                cursor={"newest": since_text, "seen": seen, "page_token": token, "pending": newest},
                exhausted=False,
            )
        return FetchResult(
            posts=posts, cursor={"newest": newest, "seen": seen} if newest else {"seen": seen}
        )


base.register(SearchConnector())
base.register(CommentsConnector())
