"""Pages of the tree: an in-charge checks and corrects the Hindi names of their area's
districts, PCs and ACs (issue #16 item 5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.core.http import request_user
from sampark.geo import selectors, services
from sampark.geo.enums import Level

PER_PAGE = 50


def _require_editor(request: HttpRequest) -> None:
    if not request_user(request).can(Capability.SET_TARGETS):
        raise PermissionDenied(_("Your role may not change unit names."))


@login_required
@require_GET
def names(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    user = request_user(request)
    level = request.GET.get("level", "")
    unchecked = request.GET.get("unchecked") == "1"
    q = request.GET.get("q", "")
    found = selectors.unit_names_visible(user=user, level=level, unchecked=unchecked, q=q)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "geo/pages/names.html",
        {
            "page": page,
            "level": level,
            "unchecked": unchecked,
            "q": q,
            "levels": [(lv, Level(lv).label) for lv in selectors.NAME_LEVELS],
        },
    )


@login_required
@require_POST
def name_correct(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request_user(request)
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)  # 404 outside, first
    _require_editor(request)
    error = ""
    try:
        unit = services.unit_name_hi_correct(
            unit_id=unit.id, name_hi=request.POST.get("name_hi", ""), actor=user
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    status = 422 if error else 200
    return render(request, "geo/partials/name_row.html", {"u": unit, "error": error}, status=status)
