"""Sign-in pages around Django's auth views: the lockout answer (issue #12)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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
