"""Sign-in pages around Django's auth views (issue #12): the lockout answer, the account page,
password change and reset, and the second factor (set-up, verification, backup codes)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from sampark.accounts import audit, selectors, services
from sampark.accounts.models import User
from sampark.accounts.signin import SESSION_HAS_DEVICE, needs_mfa


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
    user = _user(request)
    context = {
        "has_device": selectors.has_device(user=user),
        "codes_left": selectors.backup_codes_left(user=user),
        "mfa_required": needs_mfa(user),
    }
    return render(request, "accounts/account.html", context)


class SignIn(auth_views.LoginView):
    """Django's log-in; remembers in the session whether the user has a second factor, so the
    gate asks for it even where SAMPARK_REQUIRE_MFA does not."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if selectors.has_device(user=form.get_user()):
            self.request.session[SESSION_HAS_DEVICE] = True
        return response


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, type one code; then the backup codes."""
    user = _user(request)
    if selectors.has_device(user=user) and not _verified(request):
        return _to_verify(request)  # a password alone never replaces an existing second factor
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = services.totp_device_confirm(user=user, token=form.cleaned_data["token"])
        if done is not None:
            device, codes = done
            _passed(request, device)
            return render(
                request, "accounts/mfa_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("token", _("That code is not right. Type the newest code the app shows."))
    device = services.totp_device_pending(user=user)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d2430"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
        "mfa_required": needs_mfa(user),
    }
    return render(request, "accounts/mfa_setup.html", context)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a log-in: a code from the authenticator, or a backup code."""
    user = _user(request)
    if _verified(request):
        return HttpResponseRedirect(_next(request))
    if not selectors.has_device(user=user):
        return redirect(f"{reverse('accounts:mfa_setup')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            _passed(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.backup_codes_left(user=user)
                messages.warning(
                    request,
                    _("Backup code used: %(left)s left. Make new ones on your account page.")
                    % {"left": left},
                )
            return HttpResponseRedirect(_next(request))
        form.add_error(
            "token",
            _(
                "That code is not right, or came too soon after a wrong one. Wait a little and "
                "type the newest code."
            ),
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_POST
def mfa_backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once; only in a session that passed the second factor."""
    if not _verified(request):
        return _to_verify(request)
    codes = services.backup_codes_renew(user=_user(request))
    return render(
        request, "accounts/mfa_codes.html", {"codes": codes, "next": reverse("accounts:home")}
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _verified(request: HttpRequest) -> bool:
    return getattr(request.user, "otp_device", None) is not None


def _passed(request: HttpRequest, device: Any) -> None:
    """Mark the session as past the second factor, under a new session key."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[SESSION_HAS_DEVICE] = True


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target else "/"


def _to_verify(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:mfa_verify')}?{urlencode({'next': _next(request)})}")


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
