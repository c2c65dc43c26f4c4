"""X API v2: recent search (polled with a since_id cursor) and the filtered stream."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

logger = logging.getLogger(__name__)

FIELDS = {
    "tweet.fields": "created_at,lang,public_metrics,author_id,conversation_id,entities",
    "expansions": "author_id",
    "user.fields": "username",
}


def _post(tweet: dict[str, Any], users: dict[str, str]) -> RawPost:
    username = users.get(str(tweet.get("author_id", "")), "i")
    metrics = tweet.get("public_metrics") or {}
    created = str(tweet.get("created_at") or "")
    try:
        at = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError as exc:
        raise base.ConnectorError(f"tweet {tweet.get('id')} has no valid created_at") from exc
    return RawPost(
        platform=Platform.X,
        external_id=str(tweet["id"]),
        text=str(tweet.get("text") or ""),
        posted_at=at,
        author=username,
        url=f"https://x.com/{username}/status/{tweet['id']}",
        metrics={
            "likes": int(metrics.get("like_count", 0)),
            "shares": int(metrics.get("retweet_count", 0)) + int(metrics.get("quote_count", 0)),
            "replies": int(metrics.get("reply_count", 0)),
            "views": int(metrics.get("impression_count", 0)),
        },
        extra={"lang": tweet.get("lang", "")},
    )


def _users(payload: dict[str, Any]) -> dict[str, str]:
    return {str(u["id"]): str(u["username"]) for u in payload.get("includes", {}).get("users", [])}


class SearchConnector:
    kind = "x_search"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        token = base.secret(config, "bearer_token_env")
        query = str(config.get("query") or "")
        if not query:
            raise base.ConnectorError("an X search source needs a 'query'")
        url = str(config.get("base_url") or "https://api.x.com").rstrip("/")
        params: dict[str, Any] = {"query": query, "max_results": 100, **FIELDS}
        if cursor.get("since_id"):
            params["since_id"] = cursor["since_id"]
        posts: list[RawPost] = []
        newest = cursor.get("since_id")
        with base.http_client() as client:
            for _ in range(int(config.get("max_pages") or 5)):
                response = client.get(
                    f"{url}/2/tweets/search/recent",
                    params=params,
                    headers={"Authorization": f"Bearer {token}"},
                )
                base.raise_for_status(response, default_wait=900)
                payload = base.json_of(response)
                if not isinstance(payload, dict):
                    raise base.ConnectorError("X answered with an unexpected shape")
                users = _users(payload)
                posts += [_post(t, users) for t in payload.get("data", [])]
                meta = payload.get("meta", {})
                if meta.get("newest_id") and (
                    newest is None or int(meta["newest_id"]) > int(newest)
                ):
                    newest = meta["newest_id"]
                if not meta.get("next_token"):
                    break
                params["next_token"] = meta["next_token"]
        return FetchResult(posts=posts, cursor={"since_id": newest} if newest else cursor)


def stream_lines(lines: Iterable[bytes]) -> Iterator[RawPost]:
    """Posts of the filtered stream's newline-delimited JSON (keep-alive blank lines skipped)."""
    for line in lines:
        if not line.strip():
            continue
        try:
            payload = json.loads(line)
            tweet = payload["data"]
            yield _post(tweet, _users(payload))
        except (ValueError, KeyError, TypeError, base.ConnectorError):
            logger.warning("skipped a malformed stream line")


def run_stream(
    config: dict[str, Any], on_post: Callable[[RawPost], None], stop: threading.Event
) -> None:
    """Read the filtered stream until `stop` is set, reconnecting with back-off."""
    token = base.secret(config, "bearer_token_env")
    url = str(config.get("base_url") or "https://api.x.com").rstrip("/")
    failures = 0
    while not stop.is_set():
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(30, read=90)) as client,
                client.stream(
                    "GET",
                    f"{url}/2/tweets/search/stream",
                    params=FIELDS,
                    headers={"Authorization": f"Bearer {token}"},
                ) as response,
            ):
                base.raise_for_status(response)
                failures = 0
                for post in stream_lines(response.iter_lines()):  # type: ignore[arg-type]
                    on_post(post)
                    if stop.is_set():
                        return
        except base.RateLimited as exc:
            stop.wait(exc.retry_after)
        except (httpx.HTTPError, base.ConnectorError):
            failures += 1
            stop.wait(base.next_delay(failures, base=5, cap=300))
        time.sleep(0)


base.register(SearchConnector())
