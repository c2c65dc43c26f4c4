"""Report a rumour and see its answer: the tip form, my reports, and one report's status, which
asks again every few seconds (app.js) while the reply step looks for a published fact-check.

Tips go in through `monitoring_services.tip_submit`, exactly like the desktop tip page; a tip is
read back only by its sender (`monitoring_selectors.access_own_tip`: anybody else's is a 404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.monitoring import selectors as monitoring_selectors
from sampark.monitoring import services as monitoring_services
from sampark.monitoring.forms import TipForm

REPORTS_SHOWN = 20
# How often (ms) a report's page asks for the answer while the reply step is looking.
POLL_MS = 3000


@login_required
@require_GET
def rumour_list(request: HttpRequest) -> HttpResponse:
    """My recent reports with where each stands, and the button to report another."""
    tips = monitoring_selectors.own_tips(user=_user(request))[:REPORTS_SHOWN]
    reports = [(tip, monitoring_selectors.tip_answer(post=tip)) for tip in tips]
    context = {"reports": reports, "again": request.GET.get("again") == "1"}
    return render(request, "app/pages/rumours.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rumour_new(request: HttpRequest) -> HttpResponse:
    """What did you see or hear: text, a link, a photo — any one is enough."""
    user = _user(request)
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        image, image_name = data["image"] or (None, "")
        post = monitoring_services.tip_submit(
            text=data["text"], url=data["url"], image=image, image_name=image_name, user=user
        )
        if post is None:  # this very tip had been received already (a double tap on Send)
            return redirect(reverse("app:rumours") + "?again=1")
        return redirect("app:rumour", post_id=post.id)
    return render(request, "app/pages/rumour_new.html", {"form": form})


@login_required
@require_GET
def rumour_detail(request: HtmxRequest, post_id: int) -> HttpResponse:
    """One of my reports: received, and the published fact-check that answers it when there is
    one (app.js asks for the fragment again while the answer may still come)."""
    tip = monitoring_selectors.access_own_tip(user=_user(request), post_id=post_id)
    context = {"tip": tip, "answer": monitoring_selectors.tip_answer(post=tip), "poll_ms": POLL_MS}
    name = "app/partials/rumour_answer.html" if request.htmx else "app/pages/rumour.html"
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
