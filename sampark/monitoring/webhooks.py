"""The Telegram tip bot's webhook: a message to the bot becomes a tip in the inbox.

Commands other apps registered with `integrations.telegram.register_command` (content's
"/start <token>", which links a volunteer's chat for kits) go to them instead. Telegram retries a webhook call until it gets a 2xx, so every well-formed call is answered
200 at once, including updates that are not tips and repeats of an update already stored
(the update id is the tip's external id, so a repeat adds nothing).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampark.integrations import base as connectors
from sampark.integrations import telegram
from sampark.monitoring import services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.forms import TIP_IMAGE_MAX_BYTES, image_suffix
from sampark.monitoring.models import Post

logger = logging.getLogger(__name__)

PHOTO_TIMEOUT = 8.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def _already_stored(external_id: str) -> bool:
    # A small read kept here (not in selectors) because only the webhook needs it: it saves
    # downloading the photo again when Telegram repeats an update.
    source = services.tip_source(kind=SourceKind.TELEGRAM_BOT)
    return Post.objects.filter(source=source, external_id=external_id).exists()


def _photo(file_id: str) -> tuple[bytes | None, str]:
    """The photo's bytes and a name, or (None, "") when there is no token or fetching fails."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token or not file_id:
        return None, ""
    try:
        # A short timeout: Telegram waits for our answer, and the text alone is worth keeping.
        client = telegram.BotClient(token, settings.TELEGRAM_API_BASE, timeout=PHOTO_TIMEOUT)
        data = client.get_file(file_id)
    except connectors.ConnectorError as exc:
        logger.warning("Telegram photo not fetched (%s); keeping the text of the tip", exc)
        return None, ""
    except Exception:  # a network failure (httpx) too: the text of the tip still counts
        logger.exception("Telegram photo fetch failed; keeping the text of the tip")
        return None, ""
    suffix = image_suffix(data) if len(data) <= TIP_IMAGE_MAX_BYTES else None
    if suffix is None:
        return None, ""
    return data, f"telegram{suffix}"


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Receive one Bot API update. 404 while no secret is configured, 403 on a wrong secret."""
    expected = str(getattr(settings, "TELEGRAM_WEBHOOK_SECRET", "") or "")
    if not expected:
        raise Http404("the Telegram webhook is not configured")
    if not telegram.check_secret(request.headers.get(SECRET_HEADER), expected):
        return HttpResponse(status=403)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    tip = telegram.parse_update(payload)
    if tip is None:
        return HttpResponse(status=200)  # not a message we keep (a sticker, a join, …)
    command = telegram.command_of(tip.text)
    if command is not None:
        # e.g. a volunteer connecting the bot from the app ("/start <token>"): not a tip.
        handler, argument = command
        handler(argument=argument, chat_id=tip.chat_id)
        return HttpResponse(status=200)
    external_id = f"tg:{tip.update_id}"
    if _already_stored(external_id):
        return HttpResponse(status=200)
    image, image_name = _photo(tip.photo_file_id)
    services.tip_submit(
        text=tip.text,
        url=tip.urls[0] if tip.urls else "",
        image=image,
        image_name=image_name,
        user=None,
        kind=SourceKind.TELEGRAM_BOT,
        external_id=external_id,
        author=f"tg:{tip.user_id}" if tip.user_id is not None else f"tg-chat:{tip.chat_id}",
        at=tip.date,
        # Where the automatic reply goes (monitoring.tipreply): the chat, quoting the tip.
        metrics={"tg_chat_id": tip.chat_id, "tg_message_id": tip.message_id},
    )
    return HttpResponse(status=200)
