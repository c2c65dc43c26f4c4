"""Sign-in pages around Django's auth views (issue #12): the lockout answer, the account page,
password change and reset."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from sampark.accounts import audit
from sampark.accounts.models import User


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def locked_out(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: 429 with a page in Hindi and English (JSON for APIs)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, seconds // 60)
    answer: HttpResponse
    if _wants_json(request):
        message = _("Too many failed log-ins. Try again in %(minutes)s minutes.") % {
            "minutes": minutes
        }
        answer = JsonResponse({"detail": message}, status=429)
    else:
        answer = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    answer["Retry-After"] = str(seconds)
    return answer


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: password and two-step verification."""
    return render(request, "accounts/account.html")


class PasswordChange(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.user_event(verb="password_changed", user=form.user, actor=form.user)
        return response


class PasswordReset(auth_views.PasswordResetView):
    """The reset e-mail goes through EMAIL_BACKEND with a link on SITE_URL (never the request's
    Host header)."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.user
        with transaction.atomic():
            response = super().form_valid(form)
            audit.user_event(verb="password_reset", user=user, actor=user)
        # Whoever holds the mailbox is the account's owner: lift a lockout on the account.
        axes_reset(username=user.get_username())
        return response
