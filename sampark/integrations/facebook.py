"""Facebook Graph API: posts and comments on the organisation's own pages (page token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

API = "https://graph.facebook.com/v19.0"
THROTTLE_CODES = {4, 17, 32, 613}


def _get(client: httpx.Client, url: str, params: dict[str, Any] | None) -> dict[str, Any]:
    response = client.get(url, params=params)
    if response.status_code >= 400:
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        if int(error.get("code", 0) or 0) in THROTTLE_CODES:
            raise base.RateLimited(
                f"Facebook throttled the page (code {error.get('code')})", retry_after=3600
            )
    base.raise_for_status(response)
    payload = base.json_of(response)
    if not isinstance(payload, dict):
        raise base.ConnectorError("Facebook answered with an unexpected shape")
    return payload


def _at(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError as exc:
        raise base.ConnectorError(f"Facebook sent a bad timestamp {value!r}") from exc


def _pages(
    client: httpx.Client, url: str, params: dict[str, Any], limit: int
) -> list[dict[str, Any]]:
    """Items of a Graph edge, following `paging.next` only on the API's own host."""
    items: list[dict[str, Any]] = []
    host = urlsplit(url).netloc
    next_url: str | None = url
    next_params: dict[str, Any] | None = params
    for _ in range(limit):
        if next_url is None:
            break
        payload = _get(client, next_url, next_params)
        items += payload.get("data", [])
        candidate = payload.get("paging", {}).get("next")
        next_url = candidate if candidate and urlsplit(candidate).netloc == host else None
        next_params = None
    return items


class PageConnector:
    kind = "facebook_page"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        token = base.secret(config, "token_env")
        page = str(config.get("page_id") or "")
        if not page:
            raise base.ConnectorError("a Facebook page source needs 'page_id'")
        url = str(config.get("base_url") or API).rstrip("/")
        since = int(cursor.get("since") or 0)
        newest = since
        posts: list[RawPost] = []
        pages = int(config.get("max_pages") or 3)
        with base.http_client() as client:
            params: dict[str, Any] = {
                "access_token": token,
                "fields": "id,message,created_time,permalink_url",
            }
            if since:
                params["since"] = since
            for item in _pages(client, f"{url}/{page}/feed", params, pages):
                created = _at(str(item.get("created_time", "")))
                newest = max(newest, int(created.timestamp()))
                if item.get("message"):
                    posts.append(
                        RawPost(
                            platform=Platform.FACEBOOK,
                            external_id=str(item["id"]),
                            text=str(item["message"]),
                            posted_at=created,
                            url=str(item.get("permalink_url") or ""),
                        )
                    )
                cparams: dict[str, Any] = {
                    "access_token": token,
                    "fields": "id,message,created_time,from",
                    "filter": "stream",
                }
                if since:
                    cparams["since"] = since
                for comment in _pages(client, f"{url}/{item['id']}/comments", cparams, pages):
                    at = _at(str(comment.get("created_time", "")))
                    newest = max(newest, int(at.timestamp()))
                    posts.append(
                        RawPost(
                            platform=Platform.FACEBOOK,
                            external_id=str(comment["id"]),
                            text=str(comment.get("message") or ""),
                            posted_at=at,
                            author=str((comment.get("from") or {}).get("name", "")),
                            reply_to=str(item["id"]),
                        )
                    )
        return FetchResult(posts=posts, cursor={"since": newest} if newest else cursor)


base.register(PageConnector())
