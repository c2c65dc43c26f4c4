"""Pages of strength against results: one page per unit, its map data and its exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.geo.enums import Level
from sampark.results import board as boards
from sampark.results import briefing, exports, selectors, series, services
from sampark.results.strength import Component, components, weights
from sampark.results.templatetags.results import place_name, results_url

MAP_MAX_AGE = 60


def _components_weighted() -> list[tuple[Component, float]]:
    """The score's components with their weights, read once (each read asks training)."""
    parts = components()
    w = weights(parts)
    return [(c, w[c.code]) for c in parts]


def indicators() -> list[tuple[str, str]]:
    return [
        ("score", _("Strength score")),
        ("share", _("Vote share %")),
        ("margin", _("Margin, points")),
        ("turnout", _("Turnout %")),
        ("volunteers", _("Verified volunteers")),
    ]


def _election_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("election", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _board(request: HttpRequest, unit_id: int) -> boards.Board:
    found = account_selectors.access_unit(user=_user(request), unit_id=unit_id)
    return boards.build(
        unit=found, child_level=request.GET.get("by"), election_id=_election_id(request)
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    root = account_selectors.scope_root(user=_user(request))
    target = reverse("results:unit", kwargs={"unit_id": root.id})
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


@login_required
@require_GET
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    board = _board(request, unit_id)
    history = selectors.unit_results(unit=board.unit)
    party = board.org_party
    ranked = board.ranked()
    chart: dict[str, Any] = {
        "party": party,
        "scatter": [[p.share, p.score, p.name, p.id] for p in ranked if p.share is not None],
        "history": [
            {
                "election": r.election,
                "share": r.share(party) if party else None,
                "turnout": r.turnout_pct,
            }
            for r in history
        ],
        "labels": {
            "share": _("%(party)s vote share %%") % {"party": party or _("organisation")},
            "score": _("Strength score"),
            "turnout": _("Turnout %"),
            "election": _("Election"),
        },
    }
    choices = indicators()
    indicator = request.GET.get("indicator", "score")
    if indicator not in dict(choices):
        indicator = "score"
    method = "quantile" if request.GET.get("method") == "quantile" else "jenks"
    if board.child_level == Level.BOOTH:
        chart["grid"] = booth_grid(board, indicator=indicator, method=method)
    swing = selectors.swing(history, party) if party else [(r.election, None) for r in history]
    query = urlencode(
        {"by": board.child_level, **({"election": board.election.id} if board.election else {})}
    )
    context = {
        "board": board,
        "unit": board.unit,
        "ranked": ranked,
        "history": history,
        "history_rows": [(r, s[1]) for r, s in zip(history, swing, strict=True)],
        "chart": chart,
        "components": _components_weighted(),
        "indicators": choices,
        "indicator": indicator,
        "indicator_label": dict(choices)[indicator],
        "method": method,
        "by_levels": boards.DRILL.get(board.unit.level, ()),
        "query": query,
    }
    return render(request, "results/pages/unit.html", context)


def booth_grid(board: boards.Board, *, indicator: str, method: str) -> dict[str, Any]:
    """An AC's (or mandal's, sector's) booths in part order for the grid map: booths have no
    coordinates in the data, so a cell's place follows the part number, not geography."""
    value: dict[str, Callable[[boards.Place], float | int | None]] = {
        "score": lambda p: p.score,
        "share": lambda p: p.share,
        "margin": lambda p: p.margin_pct,
        "turnout": lambda p: p.turnout,
        "volunteers": lambda p: p.volunteers,
    }
    of = value[indicator]
    return {
        "indicator": indicator,
        "method": method,
        "diverging": indicator == "margin",
        "booths": [
            [p.id, p.number, place_name(p), of(p), results_url(p.id)] for p in board.children
        ],
        "labels": {
            "part": _("Part no."),
            "no_data": _("No data"),
            "legend": dict(indicators())[indicator],
        },
    }


@login_required
@require_GET
def unit_map(request: HttpRequest, unit_id: int) -> HttpResponse:
    board = _board(request, unit_id)
    template = reverse("results:unit", kwargs={"unit_id": 0})
    text = boards.map_features(board, url_of=lambda i: template.replace("/0/", f"/{i}/"))
    response = HttpResponse(text, content_type="application/geo+json")
    patch_cache_control(response, private=True, max_age=MAP_MAX_AGE)
    return response


@login_required
@require_GET
def export(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    which = request.GET.get("list", "children")
    fmt = request.GET.get("format", "csv")
    if which not in exports.LISTS or fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown list or format."), status=400)
    board = _board(request, unit_id)
    if fmt == "xlsx":
        if exports.count(board, which) > exports.XLSX_MAX_ROWS:
            return HttpResponse(
                _("Too many rows for a spreadsheet; download the CSV instead."), status=413
            )
        return exports.xlsx_response(board, which)
    return exports.csv_response(board, which)


@login_required
@require_GET
def unit_trends(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Recruitment, reach, narratives and incidents per day in the unit's subtree (charts)."""
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    days = series.range_of(request.GET.get("days"))
    context = {
        "unit": found,
        "data": series.trends(user=user, unit=found, days=days),
        "days": days,
        "ranges": series.RANGES,
    }
    return render(request, "results/pages/trends.html", context)


@login_required
@require_GET
def unit_series(request: HttpRequest, unit_id: int) -> JsonResponse:
    """The trends page's series as JSON (same scope, same range choice)."""
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    days = series.range_of(request.GET.get("days"))
    response = JsonResponse(series.trends(user=user, unit=found, days=days))
    patch_cache_control(response, private=True, max_age=MAP_MAX_AGE)
    return response


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("no such day") from None


@login_required
@require_GET
def brief_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "briefs": selectors.my_briefs(user=user),
        "subscription": selectors.subscription_of(user=user),
    }
    return render(request, "results/pages/brief_list.html", context)


@login_required
@require_GET
def brief_day(request: HttpRequest, day: str) -> HttpResponse:
    found = selectors.my_brief(user=_user(request), day=_day(day))
    context = {
        **briefing.context(found, found.unit),
        "pdf_url": reverse("results:brief_pdf", kwargs={"day": day}),
    }
    return render(request, "results/pages/brief.html", context)


@login_required
@require_GET
def brief_pdf(request: HttpRequest, day: str) -> HttpResponse:
    found = selectors.my_brief(user=_user(request), day=_day(day))
    response = HttpResponse(bytes(found.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="brief-{found.day}.pdf"'
    return response


@login_required
@require_POST
def brief_subscribe(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    active = request.POST.get("active") == "1"
    services.subscribe_brief(user=user, email=request.POST.get("email") == "1", active=active)
    return redirect("results:brief_list")


@login_required
@require_POST
def brief_now(request: HttpRequest) -> HttpResponse:
    """Write today's brief now (it is otherwise written at 07:00), then show it."""
    found = services.brief_for(user=_user(request))
    if found is None:
        raise Http404("no scope")
    return redirect("results:brief_day", day=found.day.isoformat())


@login_required
@require_POST
def export_queue(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Queue a large list for the worker; its page shows the progress."""
    which, fmt = request.POST.get("list", "booths"), request.POST.get("format", "csv")
    if which not in exports.LISTS or fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown list or format."), status=400)
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    job = services.export_request(user=user, unit=found, which=which, fmt=fmt)
    return redirect("results:export_job", token=job.token)


@login_required
@require_GET
def export_job(request: HtmxRequest, token: str) -> HttpResponse:
    job = selectors.my_export(user=_user(request), token=token)
    name = "results/partials/export_job.html" if request.htmx else "results/pages/export_job.html"
    return render(request, name, {"job": job})


@login_required
@require_GET
def export_file(request: HttpRequest, token: str) -> HttpResponse:
    job = selectors.my_export(user=_user(request), token=token)
    if job.status != "done":
        raise Http404("not ready")
    kind = "text/csv; charset=utf-8" if job.fmt == "csv" else exports.XLSX_TYPE
    response = HttpResponse(bytes(job.content or b""), content_type=kind)
    filename = exports.filename(job.unit, job.which, job.fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
