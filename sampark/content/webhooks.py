"""The SMS gateway's webhooks: delivery receipts and replies (STOP), both signed; and the
Telegram bot's "/start <token>", which links a volunteer's chat (registered in apps.py with
the bot's webhook, which monitoring serves).

A body whose HMAC-SHA256 signature does not match the shared secret is refused (403) before it
is parsed. The signature covers the time the gateway sent the request (`X-Gateway-Timestamp`): a
request outside `SAMPARK_WEBHOOK_REPLAY_SECONDS` of our clock, or one already accepted, is
refused too (403), so a captured request cannot be replayed (issue #12). Telegram's webhook
(served by monitoring) is authenticated by the secret token Telegram sends in a header, as
Telegram documents it; Telegram signs nothing, so there is nothing to bind a time to. A malformed body is answered 400 with the reason, so the gateway's logs say what is
wrong; a receipt for a message we do not know is counted and ignored.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampark.content import sending, services
from sampark.core import replay
from sampark.groups import services as groups_services
from sampark.integrations import msg91, sms, telegram
from sampark.people import services as people_services

logger = logging.getLogger(__name__)

TELEGRAM_TIMEOUT = 8.0  # Telegram waits for the webhook's answer while we greet

STOP_WORDS = {"stop", "unsubscribe", "band", "बंद", "रोकें", "stop all"}


def _verified(request: HttpRequest) -> bytes:
    """The body of a request the gateway signed, recently, and that we have not seen before."""
    secret = settings.SAMPARK_SMS_WEBHOOK_SECRET
    if not secret:
        raise Http404  # no gateway configured: the endpoint does not exist
    body = request.body
    signature = request.headers.get(sms.SIGNATURE_HEADER)
    timestamp = request.headers.get(sms.TIMESTAMP_HEADER)
    if not sms.verify_signature(body, signature, secret, timestamp=timestamp):
        raise PermissionError("bad signature")
    assert signature is not None  # verified above
    assert timestamp is not None
    window = dt.timedelta(seconds=settings.SAMPARK_WEBHOOK_REPLAY_SECONDS)
    if not replay.fresh(timestamp=int(timestamp), window=window):
        raise PermissionError("stale timestamp")
    if not replay.first_time(signature=signature, window=window):
        raise PermissionError("replayed request")
    return body


# Each view is one transaction with the record of its request: if handling fails (a 500), the
# record goes too, and the gateway's retry of the very same request is accepted.
@csrf_exempt
@require_POST
@transaction.atomic
def sms_receipts(request: HttpRequest) -> HttpResponse:
    try:
        body = _verified(request)
    except PermissionError as exc:
        return HttpResponse(str(exc), status=403)
    try:
        receipts = sms.parse_receipts(body)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400)
    applied = 0
    for receipt in receipts:
        applied += sending.receipt_record(
            key=receipt.idempotency_key, status=receipt.status, at=receipt.at
        )
    return JsonResponse({"received": len(receipts), "applied": applied})


@csrf_exempt
@require_POST
@transaction.atomic
def msg91_reports(request: HttpRequest, token: str) -> HttpResponse:
    """MSG91's delivery reports (v2 form data or v3 JSON, as its help pages show them). MSG91
    signs nothing, so the address carries a secret token; a report is applied once (a repeat
    finds the delivery no longer SENT)."""
    secret = settings.MSG91_WEBHOOK_TOKEN
    if not secret or not hmac.compare_digest(token.encode(), secret.encode()):
        raise Http404
    try:
        reports = msg91.parse_reports(request.body, content_type=request.content_type or "")
    except ValueError as exc:
        return HttpResponse(str(exc), status=400)
    applied = sum(
        sending.receipt_record_by_provider(provider_id=r.request_id, status=r.status, at=r.at)
        for r in reports
    )
    # Reports of messages other outboxes sent (staff notifications) go to their handlers.
    applied += sum(handler(r) for handler in msg91.report_handlers() for r in reports)
    return JsonResponse({"received": len(reports), "applied": applied})


@csrf_exempt
@require_POST
@transaction.atomic
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A reply to our SMS: "STOP" withdraws the sender's SMS consents and group memberships."""
    try:
        body = _verified(request)
    except PermissionError as exc:
        return HttpResponse(str(exc), status=403)
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
