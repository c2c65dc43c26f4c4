"""YouTube Data API v3: new videos for a search, and comments on a video or channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

API = "https://www.googleapis.com/youtube/v3"


def _at(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise base.ConnectorError(f"YouTube sent a bad timestamp {value!r}") from exc


def _until_quota_reset(now: datetime | None = None) -> float:
    """Seconds to the next midnight in California, when the daily quota resets."""
    pacific = (now or datetime.now(tz=UTC)).astimezone(ZoneInfo("America/Los_Angeles"))
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - pacific).total_seconds()


def _get(client: Any, url: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(url, params=params)
    if response.status_code == 403:
        payload = base.json_of(response)
        reasons = {e.get("reason") for e in payload.get("error", {}).get("errors", [])}
        if reasons & {"quotaExceeded", "rateLimitExceeded", "dailyLimitExceeded"}:
            raise base.RateLimited(
                f"YouTube quota: {', '.join(sorted(r for r in reasons if r))}",
                retry_after=_until_quota_reset(),
            )
    base.raise_for_status(response)
    payload = base.json_of(response)
    if not isinstance(payload, dict):
        raise base.ConnectorError("YouTube answered with an unexpected shape")
    return payload


class SearchConnector:
    kind = "youtube_search"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        key = base.secret(config, "api_key_env")
        url = str(config.get("base_url") or API).rstrip("/")
        params: dict[str, Any] = {
            "part": "snippet",
            "q": config.get("query", ""),
            "type": "video",
            "order": "date",
            "maxResults": 50,
            "key": key,
        }
        if cursor.get("published_after"):
            params["publishedAfter"] = cursor["published_after"]
        with base.http_client() as client:
            payload = _get(client, f"{url}/search", params)
        posts = []
        newest = cursor.get("published_after", "")
        for item in payload.get("items", []):
            vid = item.get("id", {}).get("videoId")
            snip = item.get("snippet", {})
            if not vid:
                continue
            published = str(snip.get("publishedAt", ""))
            if published and published == cursor.get("published_after"):
                continue  # publishedAfter is inclusive
            newest = max(newest, published)
            posts.append(
                RawPost(
                    platform=Platform.YOUTUBE,
                    external_id=f"video:{vid}",
                    text=f"{snip.get('title', '')}\n{snip.get('description', '')}".strip(),
                    posted_at=_at(published),
                    author=str(snip.get("channelTitle", "")),
                    url=f"https://www.youtube.com/watch?v={vid}",
                )
            )
        return FetchResult(posts=posts, cursor={"published_after": newest} if newest else cursor)


class CommentsConnector:
    kind = "youtube_comments"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        key = base.secret(config, "api_key_env")
        url = str(config.get("base_url") or API).rstrip("/")
        params: dict[str, Any] = {
            "part": "snippet",
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
            raise base.ConnectorError("a YouTube comments source needs 'video_id' or 'channel_id'")
        since = str(cursor.get("newest", ""))
        newest = since
        posts: list[RawPost] = []
        with base.http_client() as client:
            for _ in range(int(config.get("max_pages") or 5)):
                payload = _get(client, f"{url}/commentThreads", params)
                stop = False
                for item in payload.get("items", []):
                    top = item.get("snippet", {}).get("topLevelComment", {})
                    snip = top.get("snippet", {})
                    published = str(snip.get("publishedAt", ""))
                    if since and published <= since:
                        stop = True  # newest first: the rest were seen before
                        break
                    newest = max(newest, published)
                    video = snip.get("videoId") or item.get("snippet", {}).get("videoId", "")
                    posts.append(
                        RawPost(
                            platform=Platform.YOUTUBE,
                            external_id=f"comment:{top.get('id', item.get('id'))}",
                            text=str(snip.get("textOriginal") or snip.get("textDisplay") or ""),
                            posted_at=_at(published),
                            author=str(snip.get("authorDisplayName", "")),
                            url=f"https://www.youtube.com/watch?v={video}&lc={top.get('id', '')}",
                            metrics={"likes": int(snip.get("likeCount", 0))},
                        )
                    )
                if stop or not payload.get("nextPageToken"):
                    break
                params["pageToken"] = payload["nextPageToken"]
        return FetchResult(posts=posts, cursor={"newest": newest} if newest else cursor)


base.register(SearchConnector())
base.register(CommentsConnector())
