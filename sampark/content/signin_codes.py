"""Sign-in codes through the Telegram bot for volunteers who connected it (issue #13): no SMS
cost. Registered with `people.signin` at start-up (apps.py)."""

from __future__ import annotations

import logging

from django.conf import settings

from sampark.content.models import ChannelPreference
from sampark.integrations import base, telegram

logger = logging.getLogger(__name__)


def telegram_code(person_id: int, text: str) -> bool:
    """Send `text` to the person's linked Telegram chat; False when there is none or the bot
    could not send (the caller then sends an SMS)."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        return False
    chat = (
        ChannelPreference.objects.filter(person_id=person_id)
        .exclude(telegram_chat_id="")
        .values_list("telegram_chat_id", flat=True)
        .first()
    )
    if not chat or not chat.lstrip("-").isdigit():
        return False
    try:
        telegram.BotClient(token, settings.TELEGRAM_API_BASE, timeout=8.0).send_message(
            int(chat), text
        )
    except base.ConnectorError as exc:
        logger.warning("sign-in code not sent by Telegram: %s", exc)
        return False
    return True
