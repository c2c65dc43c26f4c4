"""Pages of the booth coverage dashboard: one page per unit, drilled down with HTMX."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.analytics import selectors
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.core.http import wants_fragment as _partial

# The map's GeoJSON may be reused by the browser for a minute (it is per user: private).
MAP_MAX_AGE = 60


def _int(raw: str | None, default: int = 0) -> int:
    try:
        return max(int(raw or default), 0)
    except ValueError:
        return default


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The coverage of the unit at the top of the user's subtree; booth volunteers start in
    their app (today's kits) instead."""
    user = _user(request)
    if user.is_volunteer_only:
        return redirect("app:home")
    root = account_selectors.scope_root(user=user)
    return redirect("analytics:unit", unit_id=root.id)


@login_required
@require_GET
def unit(request: HtmxRequest, unit_id: int) -> HttpResponse:
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    board = selectors.dashboard(user=user, unit=found, child_level=request.GET.get("by"))
    name = "analytics/partials/dashboard.html" if _partial(request) else "analytics/pages/unit.html"
    # Those who run a drive reach it (targets, join link, poster) from the recruitment card.
    can_drive = user.can_any({Capability.SET_TARGETS, Capability.MANAGE_PEOPLE})
    response = render(request, name, {"board": board, "unit": found, "can_drive": can_drive})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def unit_lacking(request: HtmxRequest, unit_id: int) -> HttpResponse:
    """The next page of booths lacking volunteers (rows for HTMX, a page otherwise)."""
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    offset = _int(request.GET.get("offset"))
    lacking = selectors.booths_lacking(
        unit=found,
        limit=selectors.LACKING_PAGE,
        offset=offset,
        scope=account_selectors.scope_root(user=user),
    )
    name = (
        "analytics/partials/lacking_rows.html"
        if _partial(request)
        else "analytics/pages/lacking.html"
    )
    response = render(
        request,
        name,
        {"unit": found, "lacking": lacking, "full_staff": selectors.full_staff()},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def unit_vacancies(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Vacancies by booth position kind (loaded by the unit page after it has shown)."""
    found = account_selectors.access_unit(user=_user(request), unit_id=unit_id)
    return render(
        request,
        "analytics/partials/vacancies.html",
        {"unit": found, "vacancies": selectors.vacancies_by_kind(unit=found)},
    )


@login_required
@require_GET
def unit_map(request: HttpRequest, unit_id: int) -> HttpResponse:
    """GeoJSON of the ACs under the unit, with % of booths fully staffed, for the choropleth."""
    found = account_selectors.access_unit(user=_user(request), unit_id=unit_id)
    collection = selectors.ac_map_features(unit=found)
    template = reverse("analytics:unit", kwargs={"unit_id": 0})
    for feature in collection["features"]:
        feature["properties"]["url"] = template.replace("/0/", f"/{feature['properties']['id']}/")
    response = HttpResponse(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json",
    )
    patch_cache_control(response, private=True, max_age=MAP_MAX_AGE)
    return response
