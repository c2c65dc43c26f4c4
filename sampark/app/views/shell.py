"""What makes the app installable and usable offline: the web manifest, the service worker
(served from /app/ so that it may control /app/, with the list of files it caches at install)
and the page it shows without a connection."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SHELL_FONTS = (
    "vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-400-normal.woff2",
    "vendor/fonts/noto-sans-devanagari-latin-700-normal.woff2",
)
SHELL_STATIC = (
    "app/app.css",
    "app/app.js",
    "vendor/htmx/htmx.min.js",
    "app/icon-192.png",
    *SHELL_FONTS,
)
THEME_COLOUR = "#c2410c"


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page is not cached and there is no network."""
    return render(request, "app/pages/offline.html")


# -- installability: manifest and service worker --------------------------------------------


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "संपर्क",
        "short_name": "संपर्क",
        "description": _("Today's kits for booth volunteers"),
        "lang": "hi",
        "dir": "ltr",
        "id": "/app/",
        "start_url": reverse("app:home"),
        "scope": reverse("app:home"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f7f9",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"app/icon-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for n in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def _sw_source() -> str:
    found = finders.find("app/sw.js")
    if not found:
        raise Http404("sw.js missing")
    return Path(str(found)).read_text(encoding="utf-8")


def _sw_config() -> dict[str, Any]:
    shell = [static(p) for p in SHELL_STATIC]
    config: dict[str, Any] = {
        "shell": shell,
        "offline": reverse("app:offline"),
        "scope": reverse("app:home"),
        "static": settings.STATIC_URL,
        "icon": static("app/icon-192.png"),
    }
    # A new shell or a new worker script is a new cache version (old caches are dropped).
    digest = hashlib.sha256((json.dumps(config) + _sw_source()).encode()).hexdigest()[:12]
    config["version"] = digest
    return config


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """sw.js from /app/ so that it may control /app/ (with its shell list and version)."""
    body = f"self.SAMPARK = {json.dumps(_sw_config())};\n{_sw_source()}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("app:home")
    # Browsers re-check the worker at least daily; no-cache makes updates immediate.
    response["Cache-Control"] = "no-cache"
    return response
