"""Kits to volunteers who follow the Sampark Telegram bot (Bot API sendMessage).

OPTIONS: token (or token_env, default TELEGRAM_BOT_TOKEN), base_url (default
settings.TELEGRAM_API_BASE), timeout. The Bot API has no idempotency key: a re-send after a lost
answer can show the kit twice, which the sender accepts for this channel.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from sampark.integrations import base
from sampark.integrations.channels import Outbound, PermanentError, Sent, option
from sampark.integrations.telegram import SERVICE, BotClient

MAX_TEXT = 4096  # sendMessage's limit, in characters
_CHAT_ID = re.compile(r"-?\d{1,20}")
# Bot API errors whose description starts so are the recipient's doing and never go away:
# 403 "Forbidden: bot was blocked by the user", 400 "Bad Request: chat not found".
_PERMANENT = ("forbidden:", "bad request: chat not found", "bad request: user not found")


def text_of(message: Outbound) -> str:
    """Title, text and link in one message, the text shortened to fit Telegram's limit."""
    head = f"{message.title}\n\n" if message.title else ""
    tail = f"\n\n{message.url}" if message.url else ""
    room = MAX_TEXT - len(head) - len(tail)
    body = message.text if len(message.text) <= room else message.text[: room - 1] + "…"
    return head + body + tail


class TelegramChannel:
    name = "telegram"

    def __init__(self, **options: Any) -> None:
        token = option(options, "token")
        api = option(options, "base_url") or getattr(
            settings, "TELEGRAM_API_BASE", "https://api.telegram.org"
        )
        timeout = float(options.get("timeout") or 20.0)
        self.client: BotClient | None = BotClient(token, api, timeout=timeout) if token else None

    def send(self, message: Outbound) -> Sent:
        """Send one message to a chat that has started the bot."""
        if self.client is None:
            raise PermanentError(f"{SERVICE} not configured: set the bot token")
        chat = message.address.strip()
        if not _CHAT_ID.fullmatch(chat):
            raise PermanentError(f"{SERVICE}: {chat!r} is not a chat id")
        try:
            result = self.client.send_message(int(chat), text_of(message))
        except base.RateLimited:
            raise
        except base.ConnectorError as exc:
            said = str(exc).split(": ", 1)[-1].lower()
            if said.startswith(_PERMANENT):
                raise PermanentError(str(exc)) from exc
            raise
        number = result.get("message_id") if isinstance(result, dict) else None
        return Sent(provider_id=f"{chat}:{number}" if number is not None else chat)

    def close(self) -> None:
        # BotClient opens a client per call; nothing stays open.
        return None
