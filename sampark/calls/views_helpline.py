"""Pages of the helpline (inbound queue) and of listening in, and Exotel's Passthru hooks.

Exotel (documented "Passthru" applet): a flow's Passthru applet makes a GET to our URL with
the call as query parameters (CallSid, CallFrom, CallTo, Direction=incoming, CurrentTime, and
after a Connect applet CallType / DialCallStatus). The helpline flow calls
`/calls/helpline/exotel/<token>/arrived/` when a caller comes in (the caller is queued) and
`…/ended/` when they leave (abandoned if nobody took them). Exotel signs nothing: the token in
the URL (an HMAC of our secret) authenticates it; both hooks are idempotent per CallSid.

The flow's Connect applet, its "Dial whom" set to a URL, asks
`/calls/helpline/exotel/<token>/dial/` whom to ring: the caller is handed to a free agent
(`inbound.inbound_route`) and the answer names that agent's phone (`exotel.connect_answer`).
"""

from __future__ import annotations

import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sampark.calls import inbound, listen, telephony
from sampark.calls.enums import Disposition, InboundStatus
from sampark.calls.models import InboundCall
from sampark.calls.permissions import require_agent
from sampark.core.http import request_user as _user
from sampark.integrations.telephony import asterisk, exotel
from sampark.integrations.telephony.base import TelephonyError
from sampark.people import selectors as people_selectors


def _own_phone(request: HttpRequest) -> str:
    user = _user(request)
    facts = people_selectors.person_facts(person_ids=[user.person_id or 0])
    return facts[user.person_id].phone if user.person_id in facts else ""


def _connect(request: HttpRequest, call: InboundCall) -> None:
    """Ring the agent who just took an ARI caller (Exotel's flow rings them itself)."""
    if call.provider != asterisk.NAME or telephony.provider_name() != asterisk.NAME:
        return
    adapter = telephony.adapter()
    phone = _own_phone(request)
    try:
        if not phone or not isinstance(adapter, asterisk.Adapter):
            raise TelephonyError("no phone")
        adapter.connect_inbound(call.provider_call_id, phone)
    except TelephonyError:
        messages.error(request, _("The telephone line could not ring you; call the caller back."))


@login_required
@require_GET
def helpline(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_agent(user)
    held = inbound.inbound_held(agent=user)
    call = held or inbound.inbound_next(agent=user)
    if call is not None and held is None:
        _connect(request, call)
    context = {
        "call": call,
        "card": inbound.caller_card(user=user, call=call) if call else None,
        "available": inbound.takes_inbound(agent=user),
        "dispositions": Disposition.choices,
    }
    name = "calls/partials/helpline.html" if request.headers.get("HX-Request") else None
    return render(request, name or "calls/pages/helpline.html", context)


@login_required
@require_POST
def helpline_available(request: HttpRequest) -> HttpResponse:
    inbound.inbound_available(agent=_user(request), on=request.POST.get("on") == "1")
    return redirect("calls:helpline")


@login_required
@require_POST
def helpline_save(request: HttpRequest, inbound_id: int) -> HttpResponse:
    user = _user(request)
    call = inbound.access_inbound(user=user, inbound_id=inbound_id)
    try:
        inbound.inbound_close(
            agent=user,
            inbound_id=call.id,
            disposition=request.POST.get("disposition", ""),
            note=request.POST.get("note", "")[: inbound.MAX_NOTE],
        )
    except ValueError:
        messages.error(request, _("Choose a disposition."))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved. The next caller comes to you when one waits."))
    return redirect("calls:helpline")


@login_required
@require_POST
def listen_start(request: HttpRequest, attempt_id: int) -> HttpResponse:
    user = _user(request)
    try:
        listen.listen_start(supervisor=user, attempt_id=attempt_id, phone=_own_phone(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TelephonyError:
        messages.error(request, _("The telephone line could not connect you."))
    else:
        messages.success(request, _("Your phone will ring: answer to listen in."))
    return redirect("calls:board")


# --- Exotel's Passthru hooks -------------------------------------------------------------------


@csrf_exempt
@require_GET
def exotel_passthru(request: HttpRequest, token: str, stage: str) -> HttpResponse:
    if stage not in {"arrived", "ended"}:
        raise Http404
    if not hmac.compare_digest(token, telephony.helpline_token()):
        return HttpResponse("bad token", status=403)
    sid = request.GET.get("CallSid", "")[:80]
    if not sid:
        return HttpResponse("CallSid is required", status=400)
    at = exotel.parse_time(request.GET.get("CurrentTime", "")) or timezone.now()
    if stage == "arrived":
        try:
            call = inbound.inbound_arrived(
                provider=exotel.NAME,
                provider_call_id=sid,
                phone=request.GET.get("CallFrom", "")[:20],
                at=at,
            )
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400)
        waiting = call.status == InboundStatus.QUEUED
        return HttpResponse("queued" if waiting else "ok", content_type="text/plain")
    inbound.inbound_ended(provider=exotel.NAME, provider_call_id=sid, at=at)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_GET
def exotel_dial_whom(request: HttpRequest, token: str) -> HttpResponse:
    """Exotel's Connect applet ("Dial whom" from a URL): whom to ring for this caller.

    Idempotent per CallSid: asked again, the same agent. No agent free: no number, so the
    applet takes its "not answered" transition, which the flow loops back here through a
    hold message. A caller unknown here (no Passthru before the applet) is queued first. Asked
    after the agent's phone rang out (CallType "incomplete", DialWhomNumber the agent's), the
    caller goes back to the queue and the agent off the helpline."""
    if not hmac.compare_digest(token, telephony.helpline_token()):
        raise Http404
    sid = request.GET.get("CallSid", "")[:80]
    if not sid:
        return HttpResponse("CallSid is required", status=400)
    at = exotel.parse_time(request.GET.get("CurrentTime", "")) or timezone.now()
    try:
        call = inbound.inbound_arrived(
            provider=exotel.NAME,
            provider_call_id=sid,
            phone=request.GET.get("CallFrom", "")[:20],
            at=at,
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    if request.GET.get("CallType") == "incomplete":  # documented: "no agent picked up"
        dialled = request.GET.get("DialWhomNumber", "")[:20]
        inbound.inbound_ring_missed(call=call, dialled=dialled)
    routed = inbound.inbound_route(call=call)
    answer = exotel.connect_answer(
        numbers=[routed.phone] if routed.phone else [],
        outgoing_phone_number=request.GET.get("CallTo", "")[:20],
    )
    return JsonResponse(answer)
