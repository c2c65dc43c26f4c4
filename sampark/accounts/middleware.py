"""Two-step verification gate (issue #12): after the password, a user who must pass a second
factor reaches only the verification pages until they do."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from sampark.accounts.signin import SESSION_HAS_DEVICE, needs_mfa

# Reachable half-way through signing in: the second-factor pages, log-out, language, assets.
OPEN_PREFIXES = ("/account/mfa/", "/login/", "/logout/", "/i18n/", "/app/manifest", "/app/sw")


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "otp_device", None) is None  # django_otp's OTPMiddleware sets it
            and not request.path_info.startswith((*OPEN_PREFIXES, settings.STATIC_URL))
            and (request.session.get(SESSION_HAS_DEVICE) or needs_mfa(user))
        ):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            detail = _("Two-step verification needed: log in on the web first.")
            return JsonResponse({"detail": detail}, status=403)
        url = f"{reverse('accounts:mfa_verify')}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":  # runs before django_htmx's middleware
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
