"""My booth (position, team, the way to my groups and to report a rumour), my settings (how
kits reach me, the app's language, Telegram, notifications) and the web-push subscription."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.app.forms import PreferenceForm
from sampark.app.views.common import no_person
from sampark.content import selectors as content_selectors
from sampark.content import services as content_services
from sampark.content.enums import Channel
from sampark.core.http import request_user as _user
from sampark.people import selectors as people_selectors
from sampark.people.enums import AssignmentStatus

if TYPE_CHECKING:
    from sampark.people.models import Person


def _push_key() -> str:
    try:
        from sampark.integrations import webpush
    except ImportError:
        return ""
    try:
        return webpush.public_key()
    except Exception:  # an unreadable configured key must not take the settings page down
        return ""


def _telegram_link(person: Person) -> str:
    """The bot's deep link that connects this volunteer's Telegram chat (empty without a bot)."""
    bot = str(getattr(settings, "TELEGRAM_BOT_USERNAME", "") or "")
    if not bot:
        return ""
    return f"https://t.me/{bot}?start={content_services.telegram_link_token(person=person)}"


@login_required
@require_GET
def booth(request: HttpRequest) -> HttpResponse:
    """My booth, my position, the other volunteers' names, my groups, a rumour report."""
    person = _user(request).person
    if person is None:
        return no_person(request)
    language = get_language() or "hi"
    unit, mine = people_selectors.positions_and_booth(person=person)
    team: list[dict[str, str]] = []
    if unit is not None:
        # Names and positions only: a volunteer never sees the others' phones here.
        team = [
            {"name": a.person.name, "label": a.kind.label(language)}
            for a in people_selectors.assignments_for_unit(unit=unit)
            if a.person_id != person.id and a.status == AssignmentStatus.VERIFIED
        ]
    positions = [
        {
            "label": a.kind.label(language),
            "unit": a.unit,
            "pending": a.status == AssignmentStatus.PENDING,
        }
        for a in mine
    ]
    context = {"person": person, "booth": unit, "positions": positions, "team": team}
    return render(request, "app/pages/booth.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def app_settings(request: HttpRequest) -> HttpResponse:
    """How my kits reach me (channel, language) and the switch for notifications."""
    person = _user(request).person
    if person is None:
        return no_person(request)
    current = content_selectors.preference_of(person_id=person.id)
    initial = {
        "channel": current.channel if current else Channel.PUSH,
        "language": current.language if current else "hi",
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            current = content_services.preference_set(
                person=person,
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
            )
        except content_services.ContentError as exc:
            form.add_error("channel", str(exc))
        else:
            saved = True
    context = {
        "form": form,
        "saved": saved,
        "push_key": _push_key(),
        "telegram_linked": bool(current and current.telegram_chat_id),
        "telegram_link": _telegram_link(person),
    }
    response = render(request, "app/pages/settings.html", context, status=200)
    if saved and current is not None:
        # The app then speaks the language chosen for the kits.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            current.language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
    return response


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store the browser's PushSubscription JSON (from app.js) for this volunteer."""
    person = _user(request).person
    if person is None:
        return JsonResponse({"detail": _("Only volunteers receive notifications.")}, status=403)
    try:
        data = json.loads(request.body or b"{}")
        endpoint = str(data["endpoint"])
        keys = data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": _("This is not a push subscription.")}, status=400)
    try:
        content_services.push_subscribe(
            person=person,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except content_services.ContentError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse({"ok": True}, status=201)
