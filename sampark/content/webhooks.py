"""The SMS gateway's webhooks: delivery receipts and replies (STOP), both signed; and the
Telegram bot's "/start <token>", which links a volunteer's chat (registered in apps.py with
the bot's webhook, which monitoring serves).

A body whose HMAC-SHA256 signature does not match the shared secret is refused (403) before it
is parsed. A malformed body is answered 400 with the reason, so the gateway's logs say what is
wrong; a receipt for a message we do not know is counted and ignored.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampark.content import sending, services
from sampark.groups import services as groups_services
from sampark.integrations import sms, telegram
from sampark.people import services as people_services

logger = logging.getLogger(__name__)

TELEGRAM_TIMEOUT = 8.0  # Telegram waits for the webhook's answer while we greet

STOP_WORDS = {"stop", "unsubscribe", "band", "बंद", "रोकें", "stop all"}


def _verified(request: HttpRequest) -> bytes:
    secret = settings.SAMPARK_SMS_WEBHOOK_SECRET
    if not secret:
        raise Http404  # no gateway configured: the endpoint does not exist
    body = request.body
    if not sms.verify_signature(body, request.headers.get(sms.SIGNATURE_HEADER), secret):
        raise PermissionError
    return body


@csrf_exempt
@require_POST
def sms_receipts(request: HttpRequest) -> HttpResponse:
    try:
        body = _verified(request)
    except PermissionError:
        return HttpResponse("bad signature", status=403)
    try:
        receipts = sms.parse_receipts(body)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400)
    applied = 0
    with transaction.atomic():
        for receipt in receipts:
            applied += sending.receipt_record(
                key=receipt.idempotency_key, status=receipt.status, at=receipt.at
            )
    return JsonResponse({"received": len(receipts), "applied": applied})


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A reply to our SMS: "STOP" withdraws the sender's SMS consents and group memberships."""
    try:
        body = _verified(request)
    except PermissionError:
        return HttpResponse("bad signature", status=403)
    try:
        data = json.loads(body)
        phone, text = str(data["from"]), str(data.get("text", ""))
    except (ValueError, KeyError, TypeError) as exc:
        return HttpResponse(f'expected {{"from": ..., "text": ...}} ({exc})', status=400)
    if text.strip().lower() not in STOP_WORDS:
        return JsonResponse({"stopped": 0})
    try:
        stopped = people_services.consent_withdraw_channel(
            phone=phone, channel="sms", source="sms:STOP"
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    # STOP also ends the booth-group memberships the number joined through our invite page.
    stopped += groups_services.stop_keyword(phone=phone, via="sms")
    return JsonResponse({"stopped": stopped})


def telegram_start(*, argument: str, chat_id: int) -> None:
    """A volunteer pressed Start in our bot with the app's token: link the chat, then say so."""
    person = services.telegram_link(token=argument, chat_id=chat_id) if argument else None
    bot_token = settings.TELEGRAM_BOT_TOKEN
    if not bot_token:
        return
    text = (
        "संपर्क: आपके किट अब यहाँ आएँगे। / Your kits will now arrive here."
        if person is not None
        else "संपर्क: यह लिंक पुराना है; ऐप की सेटिंग से फिर जोड़ें। / This link has expired."
    )
    try:
        telegram.BotClient(
            bot_token, settings.TELEGRAM_API_BASE, timeout=TELEGRAM_TIMEOUT
        ).send_message(chat_id, text)
    except Exception:  # the link is stored either way; the greeting is a courtesy
        logger.exception("Telegram greeting not sent")
