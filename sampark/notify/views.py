"""Pages: the inbox (HTMX mark-read), the unread badge in the menu, the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.notify import selectors, services
from sampark.notify.forms import PreferencesForm

PER_PAGE = 50


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notify/pages/inbox.html",
        {"page": page, "unread": selectors.unread_count(user=user), "unread_only": unread_only},
    )


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    count = selectors.unread_count(user=user) if user.unit_id is not None else 0
    return render(request, "notify/partials/badge.html", {"unread": count})


@login_required
@require_POST
def mark_read(request: HtmxRequest, notification_id: int) -> HttpResponse:
    user = _user(request)
    notification = selectors.access_notification(user=user, notification_id=notification_id)
    services.notification_mark_read(user=user, notification_id=notification.id)
    if request.htmx:
        notification.refresh_from_db()
        response = render(request, "notify/partials/row.html", {"n": notification})
        response["HX-Trigger"] = "notify-read"  # the unread count in the header refreshes
        return response
    return redirect(notification.url or "notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=_user(request))
    messages.success(request, _("%(n)d marked read.") % {"n": count})
    return redirect("notify:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = selectors.profile_of(user=user)
    form = PreferencesForm(
        request.POST or None,
        initial_choices=selectors.preferences_of(user=user),
        initial={
            "quiet_start": profile.quiet_start,
            "quiet_end": profile.quiet_end,
            "digest": profile.digest,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=user,
            choices=form.choices(),
            quiet_start=form.cleaned_data["quiet_start"],
            quiet_end=form.cleaned_data["quiet_end"],
            digest=form.cleaned_data["digest"],
        )
        messages.success(request, _("Notification preferences saved."))
        return redirect("notify:preferences")
    return render(
        request,
        "notify/pages/preferences.html",
        {"form": form, "has_person": user.person_id is not None},
    )
