"""The floor: sites and seats, shifts, the roster, attendance, and who is on shift now against
who is logged in on the console (supervisors); signing in and out (agents)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.accounts.selectors import access_unit
from sampark.calls import rota
from sampark.calls.permissions import is_manager, require_agent, require_manager
from sampark.core.http import request_user as _user
from sampark.rules.selectors import IST

MAX_NAMES = 500  # usernames pasted into one roster form


def _when(raw: str) -> dt.datetime | None:
    parsed = parse_datetime(raw[:20]) if raw else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=IST)
    return parsed


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


@login_required
@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    now = timezone.now()
    rows = rota.floor_now(user=user, now=now)
    return render(
        request,
        "calls/pages/floor.html",
        {
            "rows": rows,
            "absent": sum(1 for r in rows if r.absent),
            "off_roster": sum(1 for r in rows if r.off_roster),
            "sites": list(rota.sites_visible(user=user).order_by("name")[:200]),
            "shifts": rota.shifts_now(user=user, now=now),
            "units": rota.site_units(user=user),
        },
    )


def _fail(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
@require_POST
def site_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    unit_id, seats = _int(request.POST.get("unit", "")), _int(request.POST.get("seats", ""))
    if unit_id is None or seats is None:
        messages.error(request, _("Choose an area and a number of seats."))
        return redirect("calls:floor")
    unit = access_unit(user=user, unit_id=unit_id)
    try:
        rota.site_create(actor=user, name=request.POST.get("name", ""), unit=unit, seats=seats)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("calls:floor")


@login_required
@require_POST
def shift_create(request: HttpRequest, site_id: int) -> HttpResponse:
    user = _user(request)
    site = rota.access_site(user=user, site_id=site_id)
    starts, ends = _when(request.POST.get("starts_at", "")), _when(request.POST.get("ends_at", ""))
    if starts is None or ends is None:
        messages.error(request, _("Give the shift's start and end."))
        return redirect("calls:floor")
    try:
        rota.shift_create(
            actor=user, site=site, name=request.POST.get("name", ""), starts_at=starts, ends_at=ends
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("calls:floor")


@login_required
@require_POST
def roster_add(request: HttpRequest, call_shift_id: int) -> HttpResponse:
    user = _user(request)
    shift = rota.access_shift(user=user, shift_id=call_shift_id)
    names = request.POST.get("usernames", "").replace(",", " ").split()[:MAX_NAMES]
    agents = rota.agents_named(user=user, usernames=names)
    missing = sorted(set(names) - {a.username for a in agents})
    if missing or not agents:
        messages.error(request, _("Not found in your area: %(n)s") % {"n": ", ".join(missing)})
        return redirect("calls:floor")
    try:
        entries = rota.roster_assign(actor=user, shift=shift, agents=agents)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("%(n)s agents put on the shift.") % {"n": len(entries)})
    return redirect("calls:floor")


@login_required
@require_GET
def attendance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_agent(user)
    entry = rota.my_shift(agent=user, now=timezone.now())
    return render(
        request, "calls/pages/attendance.html", {"entry": entry, "manager": is_manager(user)}
    )


@login_required
@require_POST
def attendance_mark(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        if request.POST.get("action") == "out":
            rota.sign_out(agent=user)
            messages.success(request, _("Signed out."))
        else:
            rota.sign_in(agent=user)
            messages.success(request, _("Signed in."))
    except ValidationError as exc:
        _fail(request, exc)
    return redirect("calls:attendance")
