"""Pages: seasons (plan, targets with their formula, drill-down, adjust) and events."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts.enums import Capability
from sampark.core.http import request_user as _user
from sampark.events import selectors, services
from sampark.events.forms import SeasonForm, TargetForm
from sampark.events.targets import Band
from sampark.geo.scope import contains


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    events = list(selectors.events_visible(user=user)[:200])
    root = user.unit
    return render(
        request,
        "events/pages/list.html",
        {
            "seasons": list(selectors.seasons_visible(user=user)[:50]),
            "events": events,
            # Events hosted in the user's subtree open their page (gates, attendance).
            "managed": {e.id for e in events if root is not None and contains(root, e.unit)},
            "can_plan": user.can(Capability.RUN_EVENTS)
            and user.unit is not None
            and user.unit.level == "state",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def season_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Capability.RUN_EVENTS):
        raise PermissionDenied(_("Your role may not plan events or set targets."))
    form = SeasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            season = services.season_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Season planned: targets and dates proposed."))
            return redirect("events:season", season_id=season.id)
    return render(request, "events/pages/season_new.html", {"form": form})


@login_required
@require_GET
def season_detail(request: HttpRequest, season_id: int) -> HttpResponse:
    user = _user(request)
    season = selectors.access_season(user=user, season_id=season_id)
    band = Band(season.band_min, season.band_max, season.electors_weight)
    hosts = selectors.host_targets(user=user, season=season)
    return render(
        request,
        "events/pages/season.html",
        {
            "season": season,
            "formula": band.formula(),
            "hosts": hosts,
            "total": sum(h.target for h in hosts),
            "events": list(selectors.season_events(user=user, season=season)),
        },
    )


@login_required
@require_GET
def season_unit(request: HttpRequest, season_id: int, unit_id: int) -> HttpResponse:
    user = _user(request)
    season = selectors.access_season(user=user, season_id=season_id)
    own, children = selectors.child_targets(user=user, season=season, unit_id=unit_id)
    return render(
        request,
        "events/pages/season_unit.html",
        {
            "season": season,
            "own": own,
            "children": children,
            "can_adjust": user.can(Capability.SET_TARGETS),
            "form": TargetForm(),
        },
    )


@login_required
@require_POST
def target_adjust(request: HttpRequest, season_id: int, unit_id: int) -> HttpResponse:
    user = _user(request)
    season = selectors.access_season(user=user, season_id=season_id)
    own, _children = selectors.child_targets(user=user, season=season, unit_id=unit_id)
    form = TargetForm(request.POST)
    back = own.unit.parent_id or own.unit.id
    if own.unit.level in ("district", "pc"):
        back_url = redirect("events:season", season_id=season.id)
    else:
        back_url = redirect("events:season_unit", season_id=season.id, unit_id=back)
    if not form.is_valid():
        messages.error(request, _("Give a whole number and a reason."))
        return back_url
    try:
        services.target_adjust(
            actor=user,
            season_id=season.id,
            unit_id=own.unit.id,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target changed; the other units share the rest."))
    return back_url
