"""Pages of recruitment drives for in-charges: a unit's drive (its join link, QR and poster,
its target and its children's progress), the poster PDF, and setting a target."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.core.http import request_user
from sampark.geo import services as geo_services
from sampark.recruit import links, poster, selectors
from sampark.recruit.forms import TargetForm

# A drive page for those who run an area: in-charges and the state head (who hold SET_TARGETS
# or MANAGE_PEOPLE); a booth volunteer shares their personal link from the app instead.
DRIVE_CAPABILITIES = frozenset({Capability.SET_TARGETS, Capability.MANAGE_PEOPLE})


def _require_drive(request: HttpRequest) -> None:
    if not request_user(request).can_any(DRIVE_CAPABILITIES):
        raise PermissionDenied(_("Your role may not run recruitment drives."))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The drive of the user's own unit."""
    _require_drive(request)
    root = account_selectors.scope_root(user=request_user(request))
    return redirect("recruit:drive", unit_id=root.id)


@login_required
@require_GET
def drive(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request_user(request)
    own, rows = selectors.progress(user=user, unit_id=unit_id)  # 404 outside, first
    _require_drive(request)
    unit = own.unit
    url = links.join_url(unit_id=unit.id)
    form = TargetForm(initial={"volunteers": own.target, "due": own.due} if own.target else None)
    return render(
        request,
        "recruit/pages/drive.html",
        {
            "unit": unit,
            "own": own,
            "rows": rows,
            "join_url": url,
            "qr": poster.qr_svg(links.join_url(unit_id=unit.id, via_qr=True), scale=4),
            "referrals": selectors.referrals_in(unit=unit),
            "form": form,
            "can_set": user.can(Capability.SET_TARGETS),
        },
    )


@login_required
@require_GET
def poster_pdf(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = account_selectors.access_unit(user=request_user(request), unit_id=unit_id)
    _require_drive(request)
    response = HttpResponse(poster.poster_pdf(unit=unit), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-poster-{unit.id}.pdf"'
    return response


@login_required
@require_POST
def target_set(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request_user(request)
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    if not user.can(Capability.SET_TARGETS):
        raise PermissionDenied(_("Your role may not set recruitment targets."))
    form = TargetForm(request.POST)
    back = request.POST.get("back", "")
    parent_id = int(back) if back.isdigit() and len(back) < 19 else unit.id
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("recruit:drive", unit_id=parent_id)
    data = form.cleaned_data
    try:
        geo_services.recruitment_target_set(
            unit_id=unit.id,
            volunteers=data["volunteers"],
            due=data["due"],
            note=data["note"],
            actor=user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target saved."))
    return redirect("recruit:drive", unit_id=parent_id)
