"""Facebook Graph API: posts and comments on the organisation's OWN pages (page access token).

config: {"page_id", "access_token_env" (or "access_token"), "app_secret_env" (optional, adds
         appsecret_proof), "base_url", "max_pages" = 3, "lookback_days" = 7, "throttle_delay"}
cursor: {"since": unix seconds of the newest item seen, "seen": [ids, newest first]}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

SERVICE = "Facebook"
API = "https://graph.facebook.com/v23.0"
# 4 app, 17 user, 32 page, 613 custom limits; 80001–80014 business-use-case (page token) limits.
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
THROTTLE_DELAY = 3600.0  # the platform's windows roll over one hour
SEEN_KEEP = 500
_PAGE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,100}")


def throttle_wait(headers: httpx.Headers, *, default: float = THROTTLE_DELAY) -> float:
    """Seconds until access returns, from the usage headers' estimated_time_to_regain_access."""
    minutes = 0.0
    for name in ("x-business-use-case-usage", "x-page-usage", "x-app-usage", "x-ad-account-usage"):
        try:
            usage = json.loads(headers.get(name) or "null")
        except ValueError:
            continue
        # BUC: {"<object id>": [{"type", "call_count", ..., "estimated_time_to_regain_access"}]}
        entries: list[Any] = []
        if isinstance(usage, dict):
            entries = [usage]
            for value in usage.values():
                if isinstance(value, list):
                    entries += value
        for entry in entries:
            if isinstance(entry, dict):
                try:
                    minutes = max(minutes, float(entry.get("estimated_time_to_regain_access") or 0))
                except (TypeError, ValueError):
                    continue
    return minutes * 60 if minutes > 0 else default


def _get(
    client: httpx.Client, url: str, params: dict[str, Any] | None, config: dict[str, Any]
) -> dict[str, Any]:
    response = base.send(client, "GET", url, service=SERVICE, params=params)
    if response.status_code >= 400:
        try:
            error = response.json().get("error") or {}
            code = int(error.get("code") or 0)
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
            code = 0
        if code in THROTTLE_CODES:
            wait = throttle_wait(
                response.headers, default=float(config.get("throttle_delay") or THROTTLE_DELAY)
            )
            raise base.RateLimited(
                f"{base.describe(response, service=SERVICE)}; retry in {int(wait)} s",
                retry_after=wait,
            )
    base.raise_for_status(response, service=SERVICE, default_wait=THROTTLE_DELAY)
    payload = base.json_object(response, service=SERVICE)
    if not isinstance(payload.get("data", []), list):
        raise base.ConnectorError(f"{SERVICE}: 'data' is not a list")
    return payload


def _edge(
    client: httpx.Client, url: str, params: dict[str, Any], limit: int, config: dict[str, Any]
) -> list[dict[str, Any]]:
    """Items of a Graph edge, following `paging.next` only on the API's own host."""
    items: list[dict[str, Any]] = []
    host = urlsplit(url).netloc
    next_url: str | None = url
    next_params: dict[str, Any] | None = params
    for _ in range(limit):
        if next_url is None:
            break
        payload = _get(client, next_url, next_params, config)
        for item in payload.get("data", []):
            if not isinstance(item, dict) or not item.get("id"):
                raise base.ConnectorError(
                    f"{SERVICE}: an item without an id in {urlsplit(url).path}"
                )
            items.append(item)
        candidate = (payload.get("paging") or {}).get("next")
        # The next link carries our token: never send it anywhere but the API we called.
        next_url = candidate if candidate and urlsplit(str(candidate)).netloc == host else None
        next_params = None  # the next link already holds every parameter
    return items


def _token(config: dict[str, Any]) -> str:
    if config.get("token_env") and not config.get("access_token_env"):
        return base.secret({"access_token_env": config["token_env"]}, "access_token")
    return base.secret(config, "access_token")


def _auth(config: dict[str, Any]) -> dict[str, str]:
    token = _token(config)
    params = {"access_token": token}
    if config.get("app_secret") or config.get("app_secret_env"):
        app_secret = base.secret(config, "app_secret")
        params["appsecret_proof"] = hmac.new(
            app_secret.encode(), token.encode(), hashlib.sha256
        ).hexdigest()
    return params


def _when(item: dict[str, Any], key: str = "created_time") -> datetime:
    return base.parse_time(item.get(key), service=SERVICE)


def _author(item: dict[str, Any]) -> str:
    return str((item.get("from") or {}).get("name") or "")[:200]


def _feed_params(auth: dict[str, str], *, since: int, config: dict[str, Any]) -> dict[str, Any]:
    # New comments land on old posts too: scan the posts of the look-back window, and open
    # the comments of those whose updated_time (bumped by every comment) is past the cursor.
    lookback = timedelta(days=float(config.get("lookback_days") or 7))
    window = int((datetime.now(tz=UTC) - lookback).timestamp())
    return {
        **auth,
        "fields": "id,message,created_time,updated_time,permalink_url,from{name}",
        "since": min(window, since) if since else window,
        "limit": 25,
    }


def _comment_params(auth: dict[str, str], *, since: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        **auth,
        "fields": "id,message,created_time,from{name},parent{id},like_count,permalink_url",
        "filter": "stream",
        "limit": 100,
    }
    if since:
        params["since"] = since
    return params


@dataclass
class _Walk:
    """What one fetch collects: the ids seen (the cursor's, then new ones), the newest time."""

    since: int
    seen: list[str]
    known: set[str]
    newest: int
    posts: list[RawPost] = field(default_factory=list)

    def is_new(self, item: dict[str, Any], at: datetime) -> bool:
        fresh = str(item["id"]) not in self.known and int(at.timestamp()) >= self.since
        return fresh and bool(item.get("message"))

    def add(self, post: RawPost) -> None:
        self.known.add(post.external_id)
        self.newest = max(self.newest, int(post.posted_at.timestamp()))
        self.posts.append(post)

    def result(self) -> FetchResult:
        fresh = [p.external_id for p in self.posts]
        fresh_set = set(fresh)
        remembered = (fresh + [s for s in self.seen if s not in fresh_set])[:SEEN_KEEP]
        return FetchResult(
            posts=self.posts,
            cursor={"since": self.newest, "seen": remembered}
            if self.newest
            else {"seen": remembered},
        )


def _take_post(walk: _Walk, item: dict[str, Any], created: datetime) -> None:
    if not walk.is_new(item, created):
        return
    walk.add(
        RawPost(
            platform=Platform.FACEBOOK,
            external_id=str(item["id"]),
            text=base.clean_text(str(item["message"])),
            posted_at=created,
            author=_author(item),
            url=str(item.get("permalink_url") or ""),
            extra={"kind": "post"},
        )
    )


def _take_comment(walk: _Walk, comment: dict[str, Any], *, post_id: str) -> None:
    at = _when(comment)
    if not walk.is_new(comment, at):
        return
    walk.add(
        RawPost(
            platform=Platform.FACEBOOK,
            external_id=str(comment["id"]),
            text=base.clean_text(str(comment["message"])),
            posted_at=at,
            author=_author(comment),
            url=str(comment.get("permalink_url") or ""),
            reply_to=str((comment.get("parent") or {}).get("id") or post_id),
            metrics={"likes": int(comment.get("like_count") or 0)},
            extra={"kind": "comment", "post_id": post_id},
        )
    )


class PageConnector:
    kind = "facebook_page"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """New posts of the page and new comments on its recent posts since the cursor."""
        page = str(config.get("page_id") or "")
        if not _PAGE_ID.fullmatch(page):
            raise base.ConnectorError(f"{SERVICE}: the page source needs its 'page_id'")
        auth = _auth(config)
        url = str(config.get("base_url") or API).rstrip("/")
        since = int(cursor.get("since") or 0)
        seen = [str(s) for s in cursor.get("seen") or []]
        walk = _Walk(since=since, seen=seen, known=set(seen), newest=since)
        pages = int(config.get("max_pages") or 3)
        with base.http_client() as client:
            feed_params = _feed_params(auth, since=since, config=config)
            for item in _edge(client, f"{url}/{page}/feed", feed_params, pages, config):
                created = _when(item)
                _take_post(walk, item, created)
                updated = _when(item, "updated_time") if item.get("updated_time") else created
                if since and int(updated.timestamp()) < since:
                    continue  # no comment since the cursor
                ident = str(item["id"])
                comment_params = _comment_params(auth, since=since)
                for comment in _edge(
                    client, f"{url}/{ident}/comments", comment_params, pages, config
                ):
                    _take_comment(walk, comment, post_id=ident)
        return walk.result()


base.register(PageConnector())
