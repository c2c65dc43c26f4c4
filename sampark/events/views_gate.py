"""Pages of one event: attendance against target, the no-show export, gates and the gate page."""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.core.http import request_user as _user
from sampark.events import selectors, services
from sampark.events.enums import ScanResult
from sampark.events.models import Event
from sampark.geo.enums import Level
from sampark.geo.models import Unit


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else None


def _up(user: User, event: Event, unit: Unit) -> int | None:
    """The unit one level up in the drill-down (a PC meeting's ACs go up to the PC)."""
    if unit.id in (event.unit_id, user.unit_id):
        return None
    if unit.level == Level.AC and event.unit.level == Level.PC:
        return unit.pc_id
    return unit.parent_id


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = selectors.access_managed_event(user=user, event_id=event_id)
    unit, rows = selectors.attendance_by_unit(
        user=user, event=event, unit_id=_int(request.GET.get("unit"))
    )
    return render(
        request,
        "events/pages/event.html",
        {
            "event": event,
            "unit": unit,
            "up_id": _up(user, event, unit),
            "attendance": rows,
            "positions": selectors.attendance_by_position(user=user, event=event, unit=unit),
            "gates": list(selectors.event_gates(event=event)),
        },
    )


@login_required
@require_GET
def no_shows_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    """The no-show list in the call centre's import columns: name, phone, unit, position."""
    user = _user(request)
    event = selectors.access_managed_event(user=user, event_id=event_id)
    if not user.can(Capability.SEE_PHONES):
        raise PermissionDenied(_("Your role may not see phone numbers."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="no-shows-{event.id}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Devanagari only with the BOM
    writer = csv.writer(response)
    writer.writerow(["name", "phone", "unit", "position", "registration_id"])
    for row in selectors.no_shows_visible(user=user, event=event):
        writer.writerow([row.name, row.phone, row.unit_path, row.position, row.registration_id])
    return response


@login_required
@require_POST
def gate_open(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = selectors.access_managed_event(user=user, event_id=event_id)
    gate = services.gate_open(actor=user, event_id=event.id, name=request.POST.get("name", ""))
    return redirect("events:gate", gate_id=gate.id)


GATE_TEXT = {
    ScanResult.ADMITTED: ScanResult.ADMITTED.label,
    ScanResult.DUPLICATE: ScanResult.DUPLICATE.label,
    ScanResult.FOREIGN: ScanResult.FOREIGN.label,
    ScanResult.UNKNOWN: ScanResult.UNKNOWN.label,
    ScanResult.CANCELLED: ScanResult.CANCELLED.label,
}


@login_required
@require_GET
def gate_page(request: HttpRequest, gate_id: int) -> HttpResponse:
    gate = selectors.access_gate(user=_user(request), gate_id=gate_id)
    text = {str(k): str(v) for k, v in GATE_TEXT.items()}
    text["nocamera"] = _("The camera is not available: type the code.")
    return render(request, "events/pages/gate.html", {"gate": gate, "gate_text": text})


@login_required
@require_POST
def gate_walkin(request: HttpRequest, gate_id: int) -> HttpResponse:
    user = _user(request)
    gate = selectors.access_gate(user=user, gate_id=gate_id)
    try:
        out = services.gate_walkin(
            actor=user,
            gate_id=gate.id,
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{ScanResult(out.result).label}: {out.name}")
    return redirect("events:gate", gate_id=gate.id)


@require_GET
def gate_sw(request: HttpRequest) -> HttpResponse:
    """The gate's service worker, served from /events/gates/ so its scope covers gate pages."""
    found = finders.find("events/gate-sw.js")
    body = Path(str(found)).read_text(encoding="utf-8") if found else ""
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def gate_scope(request: HttpRequest) -> HttpResponse:
    return redirect("events:list")
