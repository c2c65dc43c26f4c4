"""The telephony provider's status callbacks (Exotel's StatusCallback).

Authenticated by the HMAC token in the URL (Exotel signs nothing) and refused when replayed:
the same (CallSid, EventType, Status, DateUpdated) is accepted once (`core.replay`), within a
day (Exotel retries late callbacks). A body that is not a status report is answered 400.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampark.calls import services, telephony
from sampark.core import replay
from sampark.integrations.telephony import exotel

REPLAY_WINDOW = dt.timedelta(days=1)
MAX_BODY = 64 * 1024


@csrf_exempt
@require_POST
@transaction.atomic
def status_hook(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    if provider != exotel.NAME:
        raise Http404
    attempt_id = telephony.attempt_of_token(token)
    if attempt_id is None:
        return HttpResponse("bad token", status=403)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return HttpResponse("too large", status=413)
    if request.content_type == "application/json":
        try:
            fields = json.loads(request.body)
        except ValueError:
            return HttpResponse("not JSON", status=400)
        if not isinstance(fields, dict):
            return HttpResponse("not an object", status=400)
    else:
        fields = request.POST.dict()
    try:
        event = exotel.parse_callback(fields)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400)
    at = event.at or timezone.now()
    if not replay.fresh(timestamp=int(at.timestamp()), window=REPLAY_WINDOW):
        return HttpResponse("stale", status=403)
    if not replay.first_time(signature=exotel.replay_key(fields), window=REPLAY_WINDOW):
        return HttpResponse("replayed", status=403)
    known = services.call_event(
        provider=provider,
        provider_call_id=event.call_id,
        status=event.status,
        at=at,
        recording_url=event.recording_url,
        attempt_id=attempt_id,
    )
    return JsonResponse({"applied": known})
