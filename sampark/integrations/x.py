"""X API v2: recent search (polled with a since_id cursor) and the filtered stream.

config: {"query": str, "bearer_token_env": str (or "bearer_token"), "base_url": str,
         "max_pages": int = 5, "max_results": int = 100}
cursor: {"since_id": str} — plus {"next_token", "newest_id"} while a capped walk is unfinished.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

logger = logging.getLogger(__name__)

SERVICE = "X"
API = "https://api.x.com"
MAX_PAGES = 5
FIELDS = {
    # note_tweet carries the full text of long posts; referenced_tweets tells replies apart.
    "tweet.fields": (
        "created_at,lang,public_metrics,author_id,conversation_id,entities,"
        "note_tweet,referenced_tweets"
    ),
    "expansions": "author_id",
    "user.fields": "username,name",
}
# Recent search answers 15 minutes of silence when the window's budget is spent.
DEFAULT_WAIT = 900.0


def _users(payload: dict[str, Any]) -> dict[str, str]:
    includes = payload.get("includes") or {}
    users = includes.get("users") if isinstance(includes, dict) else None
    return {
        str(u["id"]): str(u["username"])
        for u in users or []
        if isinstance(u, dict) and u.get("id") and u.get("username")
    }


def _post(tweet: Any, users: dict[str, str]) -> RawPost:
    if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
        raise base.ConnectorError(f"{SERVICE}: a post without a numeric id: {tweet!r:.120}")
    ident = str(tweet["id"])
    username = users.get(str(tweet.get("author_id", "")), "")
    note = tweet.get("note_tweet")
    text = str((note or {}).get("text") or tweet.get("text") or "")
    metrics = tweet.get("public_metrics") or {}
    entities = tweet.get("entities") or {}
    replied = [
        str(r.get("id"))
        for r in tweet.get("referenced_tweets") or []
        if isinstance(r, dict) and r.get("type") == "replied_to"
    ]
    return RawPost(
        platform=Platform.X,
        external_id=ident,
        text=base.clean_text(text),
        posted_at=base.parse_time(tweet.get("created_at"), service=SERVICE),
        author=username,
        # x.com/i/status/<id> resolves for any author when the username was not expanded.
        url=f"https://x.com/{username or 'i'}/status/{ident}",
        reply_to=replied[0] if replied else "",
        metrics={
            "likes": int(metrics.get("like_count", 0)),
            "shares": int(metrics.get("retweet_count", 0)) + int(metrics.get("quote_count", 0)),
            "replies": int(metrics.get("reply_count", 0)),
            "views": int(metrics.get("impression_count", 0)),
        },
        extra={
            "lang": str(tweet.get("lang") or ""),
            "conversation_id": str(tweet.get("conversation_id") or ""),
            "urls": [
                str(u.get("expanded_url") or u.get("url"))
                for u in entities.get("urls") or []
                if isinstance(u, dict) and (u.get("expanded_url") or u.get("url"))
            ],
        },
    )


def parse_page(payload: dict[str, Any]) -> list[RawPost]:
    """Posts of one search (or stream) answer, with usernames from `includes.users`."""
    data = payload.get("data") or []
    if isinstance(data, dict):  # a stream line holds one post
        data = [data]
    if not isinstance(data, list):
        raise base.ConnectorError(f"{SERVICE}: 'data' is not a list of posts")
    users = _users(payload)
    try:
        return [_post(tweet, users) for tweet in data]
    except (TypeError, ValueError, AttributeError) as exc:
        raise base.ConnectorError(f"{SERVICE}: a post of unexpected shape ({exc})") from exc


def _newer(a: str | None, b: Any) -> str | None:
    if not b or not str(b).isdigit():
        return a
    return str(b) if a is None or int(b) > int(a) else a


class SearchConnector:
    kind = "x_search"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """New posts matching the query since the cursor, up to `max_pages` pages per poll."""
        token = base.secret(config, "bearer_token")
        query = str(config.get("query") or "")
        if not query:
            raise base.ConnectorError(f"{SERVICE}: the search source needs a 'query'")
        url = str(config.get("base_url") or API).rstrip("/") + "/2/tweets/search/recent"
        max_results = min(100, max(10, int(config.get("max_results") or 100)))
        since_id = str(cursor.get("since_id") or "") or None
        params: dict[str, Any] = {"query": query, "max_results": max_results, **FIELDS}
        if since_id:
            params["since_id"] = since_id
        if cursor.get("next_token"):
            params["next_token"] = cursor["next_token"]
        newest: str | None = _newer(None, cursor.get("newest_id"))
        posts: list[RawPost] = []
        ids: set[str] = set()
        next_token: str | None = None
        retry_after: float | None = None
        with base.http_client() as client:
            for page in range(int(config.get("max_pages") or MAX_PAGES)):
                try:
                    payload, response = self._page(client, url, params, token)
                except base.RateLimited as exc:
                    if page == 0:
                        raise
                    # Keep what we have; the next poll resumes at the page that was refused.
                    next_token, retry_after = params.get("next_token"), exc.retry_after
                    break
                since_id = str(params["since_id"]) if "since_id" in params else None
                for post in parse_page(payload):
                    if post.external_id not in ids:
                        ids.add(post.external_id)
                        posts.append(post)
                meta = payload.get("meta") or {}
                newest = _newer(newest, meta.get("newest_id"))
                next_token = str(meta.get("next_token") or "") or None
                if response.headers.get("x-rate-limit-remaining") == "0":
                    retry_after = base.retry_after_of(response, default=DEFAULT_WAIT)
                    break
                if not next_token:
                    break
                params["next_token"] = next_token
        if next_token:
            resume: dict[str, Any] = {"next_token": next_token}
            if since_id:
                resume["since_id"] = since_id
            if newest:
                resume["newest_id"] = newest
            return FetchResult(posts=posts, cursor=resume, retry_after=retry_after, exhausted=False)
        done = newest or since_id
        return FetchResult(
            posts=posts, cursor={"since_id": done} if done else {}, retry_after=retry_after
        )

    def _page(
        self, client: httpx.Client, url: str, params: dict[str, Any], token: str
    ) -> tuple[dict[str, Any], httpx.Response]:
        headers = {"Authorization": f"Bearer {token}"}
        response = base.send(client, "GET", url, service=SERVICE, params=params, headers=headers)
        # A next_token goes stale, and since_id must lie within the last 7 days: drop what X
        # refuses and search again (the store's unique ids drop what we had already). Both may
        # be stale at once, after a long pause.
        for _ in range(2):
            if response.status_code != 400:
                break
            detail = base.describe(response, service=SERVICE)
            if "next_token" in params:
                dropped = params.pop("next_token")
            elif "since_id" in params and "since_id" in detail:
                dropped = params.pop("since_id")
            else:
                break
            logger.warning("X refused %s, searching without it: %s", dropped, detail)
            response = base.send(
                client, "GET", url, service=SERVICE, params=params, headers=headers
            )
        base.raise_for_status(response, service=SERVICE, default_wait=DEFAULT_WAIT)
        return base.json_object(response, service=SERVICE), response


def parse_stream_line(line: bytes | str) -> list[RawPost]:
    """Posts in one line of the filtered stream: none for a keep-alive or a system message."""
    if not line.strip():
        return []
    try:
        payload = json.loads(line)
    except ValueError as exc:
        raise base.ConnectorError(f"{SERVICE}: stream line is not JSON") from exc
    if not isinstance(payload, dict):
        raise base.ConnectorError(f"{SERVICE}: stream line of unexpected shape")
    if "data" not in payload:
        if payload.get("errors"):
            logger.warning("X stream said: %s", json.dumps(payload["errors"])[:300])
        return []
    return parse_page(payload)


def stream_lines(lines: Iterable[bytes | str]) -> Iterator[RawPost]:
    """Posts of the filtered stream's newline-delimited JSON (keep-alives and bad lines skipped)."""
    for line in lines:
        try:
            yield from parse_stream_line(line)
        except base.ConnectorError as exc:
            logger.warning("skipped a stream line: %s", exc)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    value: str
    tag: str = ""


@dataclass(slots=True)
class RulesResult:
    """What X answered to a rules change: the rules it created, its summary and its errors."""

    rules: list[Rule]
    summary: dict[str, int]
    errors: list[str]


def _rules_url(config: dict[str, Any]) -> str:
    return str(config.get("base_url") or API).rstrip("/") + "/2/tweets/search/stream/rules"


def _rules_of(payload: dict[str, Any]) -> list[Rule]:
    data = payload.get("data") or []
    if not isinstance(data, list):
        raise base.ConnectorError(f"{SERVICE}: rules 'data' is not a list")
    return [
        Rule(id=str(r["id"]), value=str(r.get("value") or ""), tag=str(r.get("tag") or ""))
        for r in data
        if isinstance(r, dict) and r.get("id")
    ]


def rules_list(config: dict[str, Any]) -> list[Rule]:
    """The stream's active rules (`GET /2/tweets/search/stream/rules`)."""
    token = base.secret(config, "bearer_token")
    with base.http_client() as client:
        response = base.send(
            client,
            "GET",
            _rules_url(config),
            service=SERVICE,
            headers={"Authorization": f"Bearer {token}"},
        )
    base.raise_for_status(response, service=SERVICE, default_wait=DEFAULT_WAIT)
    return _rules_of(base.json_object(response, service=SERVICE))


def rules_change(
    config: dict[str, Any],
    *,
    add: list[tuple[str, str]] | None = None,
    delete: list[str] | None = None,
    dry_run: bool = False,
) -> RulesResult:
    """Add rules (value, tag) or delete rules by id (`POST /2/tweets/search/stream/rules`,
    `dry_run` only checks them). A rule X refuses comes back in `errors`, not as an exception."""
    if bool(add) == bool(delete):
        raise ValueError("either add or delete rules, not both or neither")
    body: dict[str, Any] = (
        {"add": [{"value": v, **({"tag": t} if t else {})} for v, t in add or []]}
        if add
        else {"delete": {"ids": list(delete or [])}}
    )
    token = base.secret(config, "bearer_token")
    with base.http_client() as client:
        response = base.send(
            client,
            "POST",
            _rules_url(config),
            service=SERVICE,
            params={"dry_run": "true"} if dry_run else None,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    base.raise_for_status(response, service=SERVICE, default_wait=DEFAULT_WAIT)
    payload = base.json_object(response, service=SERVICE)
    meta = payload.get("meta") or {}
    summary = meta.get("summary") if isinstance(meta, dict) else None
    errors = [
        str(e.get("title") or "")
        + (f": {e.get('value')}" if e.get("value") else "")
        + (f" ({'; '.join(map(str, e['details']))})" if e.get("details") else "")
        for e in payload.get("errors") or []
        if isinstance(e, dict)
    ]
    return RulesResult(
        rules=_rules_of(payload),
        summary={str(k): int(v) for k, v in (summary or {}).items() if isinstance(v, int)},
        errors=errors,
    )


def stream_backoff(kind: str, attempt: int, *, scale: float = 1.0) -> float:
    """Seconds before reconnect `attempt` (1, 2, …) after a failure of `kind`, as X documents
    ("Handling disconnections"): network errors back off linearly by 250 ms up to 16 s; HTTP
    errors exponentially from 5 s, doubling, up to 320 s; 429 exponentially from a minute."""
    n = max(1, attempt)
    if kind == "network":
        wait = min(16.0, 0.25 * n)
    elif kind == "http":
        wait = min(320.0, 5.0 * 2 ** (n - 1))
    else:  # "429"
        wait = min(3600.0, 60.0 * 2 ** (n - 1))
    return wait * scale


def run_stream(
    config: dict[str, Any],
    on_post: Callable[[RawPost], None],
    stop: threading.Event,
    *,
    rng: Any = None,
) -> None:
    """Read the filtered stream until `stop` is set, reconnecting with X's documented back-off.

    An established connection that drops is reopened at once; a failed attempt waits
    `stream_backoff` (a 429 waits as long as its Retry-After or rate-limit reset says, when it
    says). config: "bearer_token_env" (or "bearer_token"), "base_url", "read_timeout" (s, 30;
    X sends a keep-alive newline every 20 s), "reconnect_scale" (multiplies every wait; tests).
    """
    token = base.secret(config, "bearer_token")
    url = str(config.get("base_url") or API).rstrip("/") + "/2/tweets/search/stream"
    scale = float(config.get("reconnect_scale") or 1.0)
    timeout = httpx.Timeout(10.0, read=float(config.get("read_timeout") or 30))
    attempts: dict[str, int] = {}
    while not stop.is_set():
        try:
            with (
                base.http_client(timeout=timeout) as client,
                client.stream(
                    "GET", url, params=FIELDS, headers={"Authorization": f"Bearer {token}"}
                ) as response,
            ):
                if response.status_code >= 400:
                    response.read()
                    told = base.retry_after_of(response)
                    base.raise_for_status(response, service=SERVICE, default_wait=told or 0)
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    attempts.clear()  # connected: the next failure starts the back-off afresh
                    for post in stream_lines([line]):
                        try:
                            on_post(post)
                        except Exception:
                            logger.exception("on_post failed for X post %s", post.external_id)
            logger.info("X stream closed by the server; reconnecting")
            continue  # a connection that worked and dropped is reopened at once
        except base.RateLimited as exc:
            kind, told = "429", exc.retry_after or None
        except base.ConnectorError as exc:
            logger.warning("X stream refused: %s", exc)
            kind, told = "http", None
        except httpx.HTTPError as exc:
            logger.warning("X stream failed: %s", exc)
            kind, told = "network", None
        attempts[kind] = attempts.get(kind, 0) + 1
        stop.wait(told if told else stream_backoff(kind, attempts[kind], scale=scale))


base.register(SearchConnector())
