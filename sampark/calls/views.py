"""Pages: the campaigns, the agent's console (next contact, call, script, disposition) and the
supervisor's wallboard. The console autosaves as the agent types (HTMX) and keeps a copy in
the browser (static/calls/console.js) for when the network drops."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.calls import inbound, listen, scripts, selectors, services, telephony
from sampark.calls.enums import AgentState, Disposition, QuestionKind
from sampark.calls.models import Attempt, Campaign
from sampark.calls.permissions import is_manager, require_agent, require_manager
from sampark.core.http import request_user as _user
from sampark.integrations.telephony.base import TelephonyError
from sampark.people import selectors as people_selectors
from sampark.rules.selectors import IST


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_agent(user)
    manager = is_manager(user)
    visible = selectors.campaigns_visible(user=user)
    campaigns = list(visible.filter(status="active")[:100])
    # Managers also see the drafts and paused campaigns of their own subtree, to start them.
    managed = selectors.campaigns_managed(user=user)
    waiting = list(managed.filter(status__in=["draft", "paused"])[:100]) if manager else []
    return render(
        request,
        "calls/pages/home.html",
        {"campaigns": campaigns, "waiting": waiting, "manager": manager},
    )


def _answers_of(request: HttpRequest, steps: list[dict[str, Any]]) -> dict[str, object]:
    answers: dict[str, object] = {}
    for step in steps:
        name = f"q-{step['key']}"
        if step["kind"] == QuestionKind.MULTI:
            answers[step["key"]] = request.POST.getlist(name)
        elif name in request.POST:
            answers[step["key"]] = request.POST.get(name, "")
    return answers


@login_required
@require_GET
def console(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = _user(request)
    campaign = selectors.access_campaign(user=user, campaign_id=campaign_id)
    contact = services.contact_next(agent=user, campaign=campaign)
    context: dict[str, Any] = {"campaign": campaign, "contact": contact}
    if contact is not None and contact.campaign_id != campaign.id:
        return redirect("calls:console", campaign_id=contact.campaign_id)
    if contact is not None:
        attempt = selectors.open_attempt(agent=user, contact=contact)
        steps = _steps(attempt, campaign)
        context |= {
            "card": selectors.contact_card(contact=contact),
            "attempt": attempt,
            "steps": steps,
            "draft": attempt.draft if attempt else {},
            "dispositions": Disposition.choices,
            "telephony": telephony.provider_name(),
        }
    return render(request, "calls/pages/console.html", context)


@login_required
@require_POST
def call_start(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = _user(request)
    contact = selectors.access_contact(user=user, contact_id=contact_id)
    via_provider = request.POST.get("via") == "provider" and bool(telephony.provider_name())
    try:
        attempt = services.call_start(
            agent=user,
            contact_id=contact.id,
            provider=telephony.provider_name() if via_provider else "",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("calls:console", campaign_id=contact.campaign_id)
    if via_provider and not attempt.provider_call_id:
        facts = people_selectors.person_facts(person_ids=[user.person_id or 0])
        agent_phone = facts[user.person_id].phone if user.person_id in facts else ""
        try:
            if not agent_phone:
                raise TelephonyError("no phone")
            telephony.dial(
                attempt=attempt, agent_phone=agent_phone, base_url=request.build_absolute_uri("/")
            )
        except TelephonyError:
            messages.error(
                request, _("The telephone line could not place the call; dial from your phone.")
            )
    return redirect("calls:console", campaign_id=contact.campaign_id)


def _steps(attempt: Attempt | None, campaign: Campaign) -> list[dict[str, Any]]:
    """The steps of the script version the call was given (else the campaign's current)."""
    version = attempt.script if attempt is not None and attempt.script_id else campaign.script
    return list(version.steps) if version is not None else []


def _own_attempt(request: HttpRequest, attempt_id: int) -> tuple[Attempt, Campaign]:
    user = _user(request)
    attempt = selectors.access_attempt(user=user, attempt_id=attempt_id)
    return attempt, attempt.contact.campaign


@login_required
@require_POST
def draft_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, campaign = _own_attempt(request, attempt_id)
    steps = _steps(attempt, campaign)
    draft = {
        "answers": _answers_of(request, steps),
        "note": request.POST.get("note", "")[: services.MAX_NOTE],
        "disposition": request.POST.get("disposition", "")[:20],
        "callback_at": request.POST.get("callback_at", "")[:20],
    }
    try:
        services.draft_save(agent=_user(request), attempt_id=attempt.id, draft=draft)
    except PermissionDenied:
        return JsonResponse({"saved": False}, status=409)
    except ValidationError as exc:
        return JsonResponse({"saved": False, "error": exc.messages}, status=400)
    now = timezone.localtime(timezone.now(), IST)
    return render(request, "calls/partials/saved.html", {"at": now})


def _callback_at(raw: str) -> dt.datetime | None:
    parsed = parse_datetime(raw) if raw else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=IST)
    return parsed


@login_required
@require_POST
def disposition_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, campaign = _own_attempt(request, attempt_id)
    steps = _steps(attempt, campaign)
    try:
        services.disposition_save(
            agent=_user(request),
            attempt_id=attempt.id,
            disposition=request.POST.get("disposition", ""),
            answers=_answers_of(request, steps),
            note=request.POST.get("note", ""),
            callback_at=_callback_at(request.POST.get("callback_at", "")),
        )
    except ValueError:
        messages.error(request, _("Choose a disposition."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Saved. Here is the next contact."))
    return redirect("calls:console", campaign_id=campaign.id)


@login_required
@require_GET
def wallboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    board = selectors.wallboard(user=user, now=timezone.now())
    campaigns = [
        (c, selectors.wallboard(user=user, now=timezone.now(), campaign=c))
        for c in selectors.campaigns_visible(user=user).filter(status="active")[:20]
    ]
    name = (
        "calls/partials/board.html"
        if request.headers.get("HX-Request")
        else "calls/pages/board.html"
    )
    agents = selectors.agent_figures(user=user, now=timezone.now())
    states = [(AgentState(s).label, n) for s, n in board.agents_by_state.items()]
    context = {"board": board, "campaigns": campaigns, "agents": agents, "states": states}
    context |= {
        "queue": inbound.queue_board(user=user, now=timezone.now()),
        "live": listen.live_calls(user=user),
        "can_listen": telephony.provider_name() == "asterisk",
    }
    return render(request, name, context)


def script_path(steps: list[dict[str, Any]], answers: dict[str, object]) -> list[str]:
    """The keys of the steps the answers walk through (for tests and the page)."""
    return [s["key"] for s in scripts.path(steps, answers)]
