"""Telegram: public channels read from their web preview, and the tip bot (Bot API)."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml import html as lxml_html

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

_VIEWS = re.compile(r"^([\d.]+)\s*([KM]?)$", re.IGNORECASE)


def views(text: str) -> int:
    """'1.2K' → 1200, '3M' → 3000000, '845' → 845."""
    match = _VIEWS.match(text.strip())
    if not match:
        return 0
    number = float(match.group(1))
    scale = {"": 1, "K": 1_000, "M": 1_000_000}[match.group(2).upper()]
    return round(number * scale)


def parse_channel_page(page: str, *, channel: str) -> list[RawPost]:
    """Messages of a t.me/s/<channel> page, oldest first."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise base.ConnectorError(f"t.me/s/{channel}: unreadable page") from exc
    nodes = tree.xpath(
        '//div[contains(concat(" ", @class, " "), " tgme_widget_message ") and @data-post]'
    )
    return [p for p in (_message(node, channel) for node in nodes) if p is not None]


def _message(node: Any, channel: str) -> RawPost | None:
    ident = str(node.get("data-post", ""))
    if "/" not in ident:
        return None
    number = ident.rsplit("/", 1)[1]
    text_nodes = node.xpath('.//div[contains(@class, "tgme_widget_message_text")]')
    text = text_nodes[0].text_content().strip() if text_nodes else ""
    times = node.xpath(".//time[@datetime]")
    try:
        at = datetime.fromisoformat(times[0].get("datetime")) if times else datetime.now(tz=UTC)
    except ValueError:
        at = datetime.now(tz=UTC)
    view_nodes = node.xpath('.//span[contains(@class, "tgme_widget_message_views")]')
    return RawPost(
        platform=Platform.TELEGRAM,
        external_id=f"{channel}/{number}",
        text=text,
        posted_at=at,
        author=channel,
        url=f"https://t.me/{channel}/{number}",
        metrics={"views": views(view_nodes[0].text_content())} if view_nodes else {},
        extra={"number": int(number) if number.isdigit() else 0},
    )


class ChannelConnector:
    kind = "telegram_channel"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        channel = str(config.get("channel") or "").lstrip("@")
        if not re.fullmatch(r"[A-Za-z0-9_]{3,64}", channel):
            raise base.ConnectorError("a Telegram channel source needs its public 'channel' name")
        url = str(config.get("base_url") or "https://t.me").rstrip("/")
        last = int(cursor.get("last") or 0)
        params = {"after": last} if last else {}
        with base.http_client() as client:
            response = client.get(f"{url}/s/{channel}", params=params)
        base.raise_for_status(response)
        posts = [
            p
            for p in parse_channel_page(response.text, channel=channel)
            if p.extra["number"] > last
        ]
        newest = max([last, *(int(p.extra["number"]) for p in posts)])
        return FetchResult(posts=posts, cursor={"last": newest} if newest else cursor)


@dataclass(slots=True)
class TelegramTip:
    update_id: int
    chat_id: int
    user_id: int | None
    username: str
    text: str
    photo_file_id: str
    date: datetime
    urls: list[str] = field(default_factory=list)


def parse_update(payload: Any) -> TelegramTip | None:
    """A tip from a Bot API update (a message, an edit or a channel post), else None."""
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return None
    message = payload.get("message") or payload.get("edited_message") or payload.get("channel_post")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    text = str(message.get("text") or message.get("caption") or "")
    entities = message.get("entities") or message.get("caption_entities") or []
    urls: list[str] = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_link" and entity.get("url"):
            urls.append(str(entity["url"]))
        elif entity.get("type") == "url":
            # Offsets count UTF-16 code units.
            encoded = text.encode("utf-16-le")
            start, length = int(entity.get("offset", 0)), int(entity.get("length", 0))
            urls.append(encoded[start * 2 : (start + length) * 2].decode("utf-16-le", "replace"))
    photos = message.get("photo") or []
    largest = (
        max(photos, key=lambda p: int(p.get("file_size") or p.get("width") or 0)) if photos else {}
    )
    sender = message.get("from") or {}
    try:
        date = datetime.fromtimestamp(int(message.get("date") or 0), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    if not text and not largest:
        return None
    return TelegramTip(
        update_id=int(payload["update_id"]),
        chat_id=int(message["chat"].get("id", 0)),
        user_id=int(sender["id"]) if isinstance(sender.get("id"), int) else None,
        username=str(sender.get("username") or ""),
        text=text,
        photo_file_id=str(largest.get("file_id", "")) if largest else "",
        date=date,
        urls=urls,
    )


def check_secret(header_value: str | None, expected: str) -> bool:
    """Whether the webhook call carries our secret token (constant-time; empty never matches)."""
    if not expected or header_value is None:
        return False
    return hmac.compare_digest(header_value.encode(), expected.encode())


class BotClient:
    """The few Bot API calls Sampark makes."""

    def __init__(self, token: str, base_url: str = "https://api.telegram.org") -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")

    def _call(self, method: str, **params: Any) -> Any:
        with base.http_client() as client:
            response = client.post(f"{self.base_url}/bot{self.token}/{method}", json=params)
        if response.status_code == 429:
            retry = float((base.json_of(response).get("parameters") or {}).get("retry_after", 30))
            raise base.RateLimited("Telegram asked us to wait", retry_after=retry)
        payload = base.json_of(response)
        if not payload.get("ok"):
            raise base.ConnectorError(f"Telegram {method}: {payload.get('description', 'failed')}")
        return payload.get("result")

    def send_message(self, chat_id: int, text: str, reply_to: int | None = None) -> Any:
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_to is not None:
            params["reply_parameters"] = {"message_id": reply_to}
        return self._call("sendMessage", **params)

    def get_file(self, file_id: str) -> bytes:
        info = self._call("getFile", file_id=file_id)
        path = str(info.get("file_path", ""))
        if not path:
            raise base.ConnectorError("Telegram getFile returned no file_path")
        with base.http_client() as client:
            response = client.get(f"{self.base_url}/file/bot{self.token}/{path}")
        base.raise_for_status(response)
        return response.content

    def set_webhook(self, url: str, secret_token: str) -> Any:
        return self._call("setWebhook", url=url, secret_token=secret_token)


base.register(ChannelConnector())
