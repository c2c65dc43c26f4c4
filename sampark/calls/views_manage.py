"""The manager's pages: new campaigns (with a count of whom they would call), a campaign's
dialling, script and status, and the script editor with versions and a preview.

Server-rendered forms and HTMX only (no page script: CSP). `RUN_CALLS` and the manager's
subtree are checked by the services; ids are found through scoped selectors (404 outside)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_root, visible_units
from sampark.calls import forms, scripts, selectors, services
from sampark.calls.campaigns import MOVES
from sampark.calls.enums import CampaignStatus, ContactStatus, SourceKind
from sampark.calls.models import Campaign, ScriptVersion
from sampark.calls.permissions import require_manager
from sampark.core.http import request_user as _user
from sampark.core.numbers import indian_group
from sampark.events import selectors as events_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors

STATUS_ACTIONS: dict[str, str] = {
    CampaignStatus.ACTIVE: "start",
    CampaignStatus.PAUSED: "pause",
    CampaignStatus.CLOSED: "end",
}


def _errors(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(exc, "messages", [str(exc)]))


def _campaign_form(user: User, data: Any = None) -> forms.CampaignForm:
    units = (
        visible_units(user=user)
        .filter(level__in=[Level.STATE, Level.DISTRICT, Level.AC])
        .order_by("path")[:1000]
    )
    events = events_selectors.events_visible(user=user).order_by("-starts_at")[:200]
    return forms.CampaignForm(
        data,
        units=[(u.id, f"{u.display_name} ({u.path})") for u in units],
        kinds=[(k.code, k.name_hi) for k in people_selectors.position_kinds()],
        events=[(e.id, f"{e.title} · {e.starts_at:%d-%m-%Y}") for e in events],
        scripts=[
            (v.id, f"{v.script.name} v{v.number}") for v in selectors.latest_versions(user=user)
        ],
        initial={"unit": scope_root(user=user).id},
    )


def _source_args(user: User, form: forms.CampaignForm) -> dict[str, Any]:
    data = form.cleaned_data
    unit = Unit.objects.get(id=data["unit"])
    return {
        "actor": user,
        "unit": unit,
        "source": data["source"],
        "purpose": data["purpose"],
        "position_codes": data["position_codes"],
        "event_id": data["event"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    form = _campaign_form(user, request.POST if request.method == "POST" else None)
    dialling = forms.DiallingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and dialling.is_valid():
        script_id = form.cleaned_data["script"]
        try:
            campaign = services.campaign_create(
                **_source_args(user, form),
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                script=ScriptVersion.objects.get(id=script_id) if script_id else None,
                mode=dialling.cleaned_data["mode"],
                lines_per_agent=dialling.cleaned_data["lines_per_agent"],
                abandon_cap=dialling.cleaned_data["abandon_cap"] / 100,
                max_attempts=dialling.cleaned_data["max_attempts"],
                status=CampaignStatus.DRAFT,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Campaign saved as a draft. Start it when ready."))
            return redirect("calls:campaign", campaign_id=campaign.id)
    return render(
        request,
        "calls/pages/campaign_new.html",
        {"form": form, "dialling": dialling, "sources": SourceKind},
    )


@login_required
@require_POST
def campaign_preview(request: HttpRequest) -> HttpResponse:
    """HTMX: how many contacts the campaign being written would queue."""
    user = _user(request)
    require_manager(user)
    data = request.POST.copy()
    data["name"] = data.get("name") or "-"  # the name is not needed for a count
    form = _campaign_form(user, data)
    count: int | None = None
    error = ""
    if not form.is_valid():
        error = _("Choose an area and a source.")
    else:
        try:
            count = services.campaign_preview(**_source_args(user, form))
        except (ValidationError, PermissionDenied) as exc:
            error = _errors(exc)
    return render(request, "calls/partials/preview.html", {"count": count, "error": error})


def _manage(request: HttpRequest, campaign_id: int) -> tuple[User, Campaign]:
    user = _user(request)
    campaign = selectors.access_campaign(user=user, campaign_id=campaign_id)
    require_manager(user)
    return user, campaign


@login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user, campaign = _manage(request, campaign_id)
    counts = selectors.campaign_counts(campaign=campaign)
    dialling = forms.DiallingForm(
        initial={
            "mode": campaign.mode,
            "lines_per_agent": campaign.lines_per_agent,
            "abandon_cap": round(campaign.abandon_cap * 100, 2),
            "max_attempts": campaign.max_attempts,
        }
    )
    moves = [(status, STATUS_ACTIONS[status]) for status in MOVES[campaign.status]]
    return render(
        request,
        "calls/pages/campaign.html",
        {
            "campaign": campaign,
            "counts": [(ContactStatus(s).label, counts.get(s, 0)) for s in ContactStatus.values],
            "total": sum(counts.values()),
            "dialling": dialling,
            "versions": selectors.latest_versions(user=user),
            "moves": sorted(moves, key=lambda m: list(STATUS_ACTIONS).index(m[0])),
        },
    )


@login_required
@require_POST
def campaign_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user, campaign = _manage(request, campaign_id)
    status = request.POST.get("status", "")
    if status not in STATUS_ACTIONS:
        messages.error(request, _("Unknown action."))
    elif services.campaign_status_set(actor=user, campaign=campaign, status=status):
        messages.success(
            request, _("The campaign is now: %(s)s") % {"s": CampaignStatus(status).label}
        )
    else:
        messages.error(request, _("That is not possible from the campaign's state."))
    return redirect("calls:campaign", campaign_id=campaign.id)


@login_required
@require_POST
def campaign_refresh(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Run the campaign's source again and queue whoever is new (never twice, never a
    worked contact reset, never a number that asked not to be called)."""
    user, campaign = _manage(request, campaign_id)
    try:
        added = services.campaign_refresh(actor=user, campaign=campaign)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            ngettext("%(n)s new contact added.", "%(n)s new contacts added.", added)
            % {"n": indian_group(added)},
        )
    return redirect("calls:campaign", campaign_id=campaign.id)


@login_required
@require_POST
def campaign_dialling(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user, campaign = _manage(request, campaign_id)
    dialling = forms.DiallingForm(request.POST)
    raw_script = request.POST.get("script", "")
    version = None
    if raw_script.isdigit():
        version = next(
            (v for v in selectors.latest_versions(user=user) if v.id == int(raw_script)), None
        )
        if version is None and campaign.script_id == int(raw_script):
            version = campaign.script
    if not dialling.is_valid():
        messages.error(request, _("Check the dialling settings."))
        return redirect("calls:campaign", campaign_id=campaign.id)
    try:
        services.campaign_update(
            actor=user,
            campaign=campaign,
            mode=dialling.cleaned_data["mode"],
            lines_per_agent=dialling.cleaned_data["lines_per_agent"],
            abandon_cap=dialling.cleaned_data["abandon_cap"] / 100,
            max_attempts=dialling.cleaned_data["max_attempts"],
            script=version,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("calls:campaign", campaign_id=campaign.id)


# --- scripts ------------------------------------------------------------------------------------


@login_required
@require_GET
def script_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    return render(
        request, "calls/pages/scripts.html", {"versions": selectors.latest_versions(user=user)}
    )


def _editor(
    request: HttpRequest,
    *,
    name: str,
    rows: list[dict[str, str]],
    script_id: int | None,
    faults: dict[int, list[str]] | None = None,
) -> HttpResponse:
    """The editor with `rows` (one blank step for a new script), each with its faults."""
    shown = [
        {**row, "n": n, "errors": (faults or {}).get(n, [])}
        for n, row in enumerate(rows or [forms.BLANK_ROW])
    ]
    return render(
        request,
        "calls/pages/script_edit.html",
        {
            "name": name,
            "rows": shown,
            "next_index": len(shown),
            "kinds": forms.KIND_CHOICES,
            "effects": forms.EFFECT_CHOICES,
            "script_id": script_id,
        },
    )


def _script_post(request: HttpRequest, user: User, script: Any) -> HttpResponse:
    """Save the posted steps as a new version, or show them again (nothing typed is lost)
    with each step's faults beside it."""
    name = request.POST.get("name", "")[:200]
    rows = forms.posted_rows(request.POST)
    faults: dict[int, list[str]] = {}
    try:
        steps, faults = forms.steps_from_rows(rows)
        if faults:
            raise ValidationError(_("The script was not saved: see the steps marked below."))
        version = services.script_save(
            actor=user,
            name=name,
            unit=script.unit if script is not None else scope_root(user=user),
            steps=steps,
            script=script,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
        return _editor(
            request,
            name=name,
            rows=rows,
            script_id=script.id if script is not None else None,
            faults=faults,
        )
    messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
    return redirect("calls:script", script_id=version.script_id)


@login_required
@require_http_methods(["GET", "POST"])
def script_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_manager(user)
    if request.method == "POST":
        return _script_post(request, user, None)
    return _editor(request, name="", rows=[], script_id=None)


@login_required
@require_GET
def script_step(request: HttpRequest) -> HttpResponse:
    """HTMX: one more blank step for the editor, numbered `n`, and the next number."""
    require_manager(_user(request))
    raw = request.GET.get("n", "")
    if not raw.isdigit() or int(raw) >= forms.MAX_STEP_INDEX:
        return HttpResponseBadRequest(_("No more steps."))
    n = int(raw)
    return render(
        request,
        "calls/partials/script_step.html",
        {
            "row": {**forms.BLANK_ROW, "n": n, "errors": []},
            "oob": True,
            "next_index": n + 1,
            "kinds": forms.KIND_CHOICES,
            "effects": forms.EFFECT_CHOICES,
        },
    )


@login_required
@require_GET
def script_step_remove(request: HttpRequest) -> HttpResponse:
    """HTMX: the step's fieldset is deleted on the page (nothing is saved until "Save")."""
    require_manager(_user(request))
    return HttpResponse("")


@login_required
@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, script_id: int) -> HttpResponse:
    user = _user(request)
    script = selectors.access_script(user=user, script_id=script_id)
    if request.method == "POST":
        return _script_post(request, user, script)
    latest = script.versions.order_by("-number").first()
    return _editor(
        request,
        name=script.name,
        rows=forms.rows_for(list(latest.steps) if latest else []),
        script_id=script.id,
    )


@login_required
@require_GET
def script_detail(request: HttpRequest, script_id: int) -> HttpResponse:
    """A version of the script (the newest, or `?v=`) as the agent will read it, with the
    path the answers of the preview form take."""
    user = _user(request)
    script = selectors.access_script(user=user, script_id=script_id)
    versions = list(script.versions.order_by("-number"))
    wanted = request.GET.get("v", "")
    version = next(
        (v for v in versions if str(v.number) == wanted), versions[0] if versions else None
    )
    steps = list(version.steps) if version else []
    answers = {k[2:]: v for k, v in request.GET.items() if k.startswith("q-")}
    walked = {s["key"] for s in scripts.path(steps, answers)} if steps else set()
    return render(
        request,
        "calls/pages/script.html",
        {
            "script": script,
            "version": version,
            "versions": versions,
            "steps": steps,
            "walked": walked,
            "answers": answers,
        },
    )
