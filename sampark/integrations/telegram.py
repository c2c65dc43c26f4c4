"""Telegram: public channels read from their web preview, and the tip bot (Bot API).

telegram_channel config: {"channel": public name, "base_url" = "https://t.me", "max_pages" = 3}
                 cursor: {"last": number of the newest message seen}
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from lxml import etree
from lxml import html as lxml_html

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base

logger = logging.getLogger(__name__)

SERVICE = "Telegram"
_VIEWS = re.compile(r"^([\d.,]+)\s*([KMB]?)$", re.IGNORECASE)
_CHANNEL = re.compile(r"[A-Za-z0-9_]{3,64}")
# setWebhook accepts 1–256 characters from this set for secret_token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_FILE = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB


def views(text: str) -> int:
    """'1.2K' → 1200, '3M' → 3000000, '845' → 845 (what t.me shows under a message)."""
    match = _VIEWS.match(text.strip())
    if not match:
        return 0
    try:
        number = float(match.group(1).replace(",", ""))
    except ValueError:
        return 0
    scale = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}[match.group(2).upper()]
    return round(number * scale)


def _has_class(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _text_of(node: Any) -> str:
    """Visible text with <br> as line breaks (text_content() would glue the lines together)."""
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return base.clean_text(node.text_content())


def parse_channel_page(page: str | bytes, *, channel: str) -> list[RawPost]:
    """Messages of a t.me/s/<channel> page, oldest first."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, etree.ParserError) as exc:
        raise base.ConnectorError(f"{SERVICE}: t.me/s/{channel} is not a readable page") from exc
    nodes = tree.xpath(f"//div[{_has_class('tgme_widget_message')} and @data-post]")
    posts = [p for p in (_message(node, channel) for node in nodes) if p is not None]
    return sorted(posts, key=lambda p: int(p.extra["number"]))


def _message(node: Any, channel: str) -> RawPost | None:
    ident = str(node.get("data-post", ""))
    name, _, number = ident.rpartition("/")
    if not number.isdigit():
        return None
    # The quoted message of a reply has its own text block: skip it.
    text_nodes = node.xpath(
        f".//div[{_has_class('tgme_widget_message_text')}"
        f" and not(ancestor::*[{_has_class('tgme_widget_message_reply')}])]"
    )
    text = _text_of(text_nodes[0]) if text_nodes else ""
    times = node.xpath(".//time[@datetime]")
    try:
        at = base.parse_time(times[0].get("datetime"), service=SERVICE)
    except (IndexError, base.ConnectorError):
        at = datetime.now(tz=UTC)
    view_nodes = node.xpath(f".//span[{_has_class('tgme_widget_message_views')}]")
    media = [
        str(m.get("href") or "")
        for m in node.xpath(
            f".//a[{_has_class('tgme_widget_message_photo_wrap')}"
            f" or {_has_class('tgme_widget_message_video_player')}]"
        )
    ]
    forwarded = node.xpath(f".//*[{_has_class('tgme_widget_message_forwarded_from_name')}]")
    reply = node.xpath(f".//a[{_has_class('tgme_widget_message_reply')}]/@href")
    extra: dict[str, Any] = {"number": int(number)}
    if forwarded:
        extra["forwarded_from"] = base.clean_text(forwarded[0].text_content())
    handle = name or channel
    return RawPost(
        platform=Platform.TELEGRAM,
        external_id=f"{handle}/{number}",
        text=text,
        posted_at=at,
        author=handle,
        url=f"https://t.me/{handle}/{number}",
        media=tuple(m for m in media if m),
        is_media=bool(media) and not text,
        reply_to=str(reply[0]).rsplit("/", 1)[-1] if reply else "",
        metrics={"views": views(view_nodes[0].text_content())} if view_nodes else {},
        extra=extra,
    )


class ChannelConnector:
    kind = "telegram_channel"

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        """Messages newer than the cursor, walking `?after=` pages up to `max_pages`."""
        channel = str(config.get("channel") or "").strip().lstrip("@")
        if not _CHANNEL.fullmatch(channel):
            raise base.ConnectorError(
                f"{SERVICE}: a channel source needs its public 'channel' name, not {channel!r}"
            )
        url = str(config.get("base_url") or "https://t.me").rstrip("/") + f"/s/{channel}"
        last = int(cursor.get("last") or 0)
        posts: list[RawPost] = []
        exhausted = False
        with base.http_client() as client:
            for _ in range(int(config.get("max_pages") or 3)):
                params = {"after": last} if last else {}
                response = base.send(client, "GET", url, service=SERVICE, params=params)
                base.raise_for_status(response, service=SERVICE)
                page = parse_channel_page(response.content, channel=channel)
                if not page and b"tgme_channel_history" not in response.content:
                    # t.me answers a private or unknown channel with its plain landing page.
                    raise base.ConnectorError(
                        f"{SERVICE}: {base.where(response.url)} shows no public message history"
                    )
                fresh = [p for p in page if int(p.extra["number"]) > last]
                if not fresh:
                    exhausted = True
                    break
                posts += fresh
                last = max(int(p.extra["number"]) for p in fresh)
        return FetchResult(
            posts=posts, cursor={"last": last} if last else dict(cursor), exhausted=exhausted
        )


@dataclass(slots=True)
class TelegramTip:
    """What the tip bot needs from one Bot API update."""

    update_id: int
    chat_id: int
    user_id: int | None
    username: str
    text: str
    photo_file_id: str
    date: datetime
    urls: list[str] = field(default_factory=list)
    message_id: int = 0
    edited: bool = False


def _entity_urls(text: str, entities: Any) -> list[str]:
    urls: list[str] = []
    # Entity offsets count UTF-16 code units, so Devanagari and emoji shift them differently.
    encoded = text.encode("utf-16-le")
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_link" and entity.get("url"):
            urls.append(str(entity["url"]))
        elif entity.get("type") == "url":
            try:
                start, length = int(entity["offset"]), int(entity["length"])
            except (KeyError, TypeError, ValueError):
                continue
            piece = encoded[start * 2 : (start + length) * 2].decode("utf-16-le", "replace")
            if piece:
                urls.append(piece)
    return list(dict.fromkeys(urls))


def _largest_photo(photos: Any) -> str:
    sizes = (
        [p for p in photos if isinstance(p, dict) and p.get("file_id")]
        if isinstance(photos, list)
        else []
    )
    if not sizes:
        return ""
    best = max(
        sizes,
        key=lambda p: (
            int(p.get("width") or 0) * int(p.get("height") or 0),
            int(p.get("file_size") or 0),
        ),
    )
    return str(best["file_id"])


def parse_update(payload: Any) -> TelegramTip | None:
    """A tip from a Bot API update (message, edited message or channel post), else None."""
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return None
    edited = False
    message: Any = None
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if isinstance(payload.get(key), dict):
            message, edited = payload[key], key.startswith("edited")
            break
    if message is None or not isinstance(message.get("chat"), dict):
        return None
    chat_id = message["chat"].get("id")
    if not isinstance(chat_id, int):
        return None
    if isinstance(message.get("text"), str):
        text, entities = message["text"], message.get("entities")
    else:
        text, entities = str(message.get("caption") or ""), message.get("caption_entities")
    photo = _largest_photo(message.get("photo"))
    if not text and not photo:
        return None  # stickers, joins, polls: nothing to check
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    sender_chat = message.get("sender_chat") if isinstance(message.get("sender_chat"), dict) else {}
    try:
        date = datetime.fromtimestamp(int(message.get("date") or 0), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return TelegramTip(
        update_id=payload["update_id"],
        chat_id=chat_id,
        user_id=sender["id"] if isinstance(sender.get("id"), int) else None,
        username=str(sender.get("username") or sender_chat.get("username") or ""),
        text=base.clean_text(text),
        photo_file_id=photo,
        date=date,
        urls=_entity_urls(text, entities),
        message_id=int(message.get("message_id") or 0),
        edited=edited,
    )


def check_secret(header_value: str | None, expected: str) -> bool:
    """Whether a webhook call carries our X-Telegram-Bot-Api-Secret-Token (constant time)."""
    if not expected or header_value is None:
        return False
    return hmac.compare_digest(header_value.encode(), expected.encode())


class BotClient:
    """The few Bot API calls Sampark makes. Errors never show the token."""

    def __init__(
        self, token: str, base_url: str = "https://api.telegram.org", *, timeout: float = 20.0
    ) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, params: dict[str, Any], *, wait: float = 0.0) -> Any:
        # `wait`: how long the server may hold the request open (getUpdates long polling).
        with base.http_client(timeout=self.timeout + wait) as client:
            response = base.send(
                client,
                "POST",
                f"{self.base_url}/bot{self.token}/{method}",
                service=SERVICE,
                json=params,
            )
        try:
            payload = response.json()
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            base.raise_for_status(response, service=SERVICE)
            raise base.ConnectorError(f"{SERVICE} {method}: the answer is not a Bot API object")
        if payload.get("ok") is True:
            return payload.get("result")
        description = str(payload.get("description") or f"HTTP {response.status_code}")
        raw = payload.get("parameters")
        parameters: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if response.status_code == 429 or parameters.get("retry_after") is not None:
            wait = float(
                parameters.get("retry_after") or base.retry_after_of(response, default=30) or 30
            )
            raise base.RateLimited(f"{SERVICE} {method}: {description}", retry_after=wait)
        raise base.ConnectorError(f"{SERVICE} {method}: {description}")

    def send_message(self, chat_id: int, text: str, reply_to: int | None = None) -> Any:
        """Send a text message; returns the sent Message object."""
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_to is not None:
            params["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        return self._call("sendMessage", params)

    def get_file(self, file_id: str) -> bytes:
        """The bytes of a file someone sent the bot (getFile, then download)."""
        info = self._call("getFile", {"file_id": file_id})
        path = str((info or {}).get("file_path") or "") if isinstance(info, dict) else ""
        if not path:
            raise base.ConnectorError(f"{SERVICE} getFile: no file_path (file over 20 MB?)")
        with base.http_client(timeout=self.timeout) as client:
            response = base.send(
                client,
                "GET",
                f"{self.base_url}/file/bot{self.token}/{path}",
                service=SERVICE,
                max_bytes=MAX_FILE,
            )
        base.raise_for_status(response, service=SERVICE)
        return response.content

    def set_webhook(
        self, url: str, secret_token: str, *, allowed_updates: list[str] | None = None
    ) -> Any:
        """Point the bot at our webhook; Telegram then sends the secret in every call's header."""
        if not _SECRET.fullmatch(secret_token):
            raise base.ConnectorError(
                f"{SERVICE} setWebhook: secret_token must be 1–256 of A-Z a-z 0-9 _ -"
            )
        params: dict[str, Any] = {"url": url, "secret_token": secret_token}
        if allowed_updates is not None:
            params["allowed_updates"] = allowed_updates
        return self._call("setWebhook", params)

    def get_updates(self, offset: int | None = None, timeout: int = 0) -> list[dict[str, Any]]:
        """Updates by long polling (only while no webhook is set)."""
        params: dict[str, Any] = {"timeout": timeout}
        if offset is not None:
            params["offset"] = offset
        result = self._call("getUpdates", params, wait=float(timeout))
        return [u for u in result or [] if isinstance(u, dict)]


base.register(ChannelConnector())


# --- bot commands ---------------------------------------------------------------------------
# One webhook receives every update to the bot (monitoring's tip intake). Messages that are
# commands ("/start <token>" from the volunteer app) belong to other apps, which register
# their handlers from AppConfig.ready: the webhook then needs to import none of them, and
# content, above monitoring, is not imported from below (issue #11).


class CommandHandler(Protocol):
    def __call__(self, *, argument: str, chat_id: int) -> None: ...


_COMMANDS: dict[str, CommandHandler] = {}


def register_command(name: str, handler: CommandHandler) -> None:
    """Answer messages starting with `/<name>` with `handler(argument=…, chat_id=…)`."""
    _COMMANDS[name] = handler


def command_of(text: str) -> tuple[CommandHandler, str] | None:
    """The handler registered for a message and the text after its command, or None (a tip)."""
    for name, handler in _COMMANDS.items():
        if text.startswith(f"/{name}"):
            return handler, text.removeprefix(f"/{name}").strip()
    return None
