"""Fact-check pages (issue #4): search by claim text, a fact-check's page, and imports.

Fact-checks are public knowledge and not scoped by unit; users without listen/triage/
manage_factchecks get 404 on every page here (there is nothing for them to discover).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sampark.accounts.enums import Capability
from sampark.core import tasks as core_tasks
from sampark.core.http import request_user as _user
from sampark.factcheck import importers, selectors, services
from sampark.factcheck.enums import MatchBand, Verdict
from sampark.factcheck.forms import ImportForm, SearchForm
from sampark.factcheck.models import FactCheck
from sampark.integrations import base

LIST_PAGE = 30
MATCHES_SHOWN = 20
VERDICT_CLASS = {
    Verdict.FALSE: "bad",
    Verdict.MISLEADING: "warn",
    Verdict.PARTLY_FALSE: "warn",
    Verdict.TRUE: "ok",
}


@dataclass(frozen=True, slots=True)
class Row:
    fact_check: FactCheck
    score: float | None = None
    band: str = ""

    @property
    def band_label(self) -> str:
        return str(MatchBand(self.band).label) if self.band else ""

    @property
    def verdict_class(self) -> str:
        return VERDICT_CLASS.get(Verdict(self.fact_check.verdict), "")


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = selectors.factchecks_visible(user=user)
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    text, language, verdict = data.get("q", ""), data.get("language", ""), data.get("verdict", "")
    qs = selectors.factchecks_filter(qs, language=language, verdict=verdict)
    rows: list[Row] = []
    page = None
    matched = False
    if text:
        # The matcher first (it knows Hindi/Hinglish/English spellings); plain words otherwise.
        wanted = set(qs.values_list("id", flat=True)) if language or verdict else None
        found = [
            m
            for m in services.match_text(text=text, k=MATCHES_SHOWN * 2)
            if wanted is None or m.fact_check_id in wanted
        ][:MATCHES_SHOWN]
        by_id = {f.id: f for f in selectors.by_ids_in_order(ids=[m.fact_check_id for m in found])}
        rows = [
            Row(by_id[m.fact_check_id], m.score, m.band) for m in found if m.fact_check_id in by_id
        ]
        matched = bool(rows)
        if not rows:
            qs = selectors.factchecks_containing(qs, text=text)
    if not rows:
        page = Paginator(selectors.latest(qs), LIST_PAGE).get_page(request.GET.get("page"))
        rows = [Row(f) for f in page]
    query = urlencode({k: v for k, v in (("q", text), ("language", language),
                                          ("verdict", verdict)) if v})  # fmt: skip
    return render(
        request,
        "factcheck/pages/search.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "matched": matched,
            "text": text,
            "query": query,
            "can_import": user.can(Capability.MANAGE_FACTCHECKS),
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, factcheck_id: int) -> HttpResponse:
    user = _user(request)
    fact_check = selectors.access_factcheck(user=user, factcheck_id=factcheck_id)
    return render(
        request,
        "factcheck/pages/detail.html",
        {"fc": fact_check, "row": Row(fact_check)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.require_read(user=user)
    if not user.can(Capability.MANAGE_FACTCHECKS):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    report: importers.ImportReport | None = None
    queued = False
    if posted and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            upload = form.cleaned_data["file"]
            if upload and upload.size > settings.SAMPARK_FACTCHECK_INLINE_BYTES:
                importers.import_queue(
                    content=upload.read(), name=str(upload.name), source=source, actor=user
                )
                queued = True
            elif upload:
                report = importers.import_bytes(
                    upload.read(), name=str(upload.name), source=source, actor=user
                )
            else:
                report = importers.import_url(form.cleaned_data["url"], source=source, actor=user)
        except (importers.ImportRefused, base.ConnectorError) as exc:
            form.add_error(None, _("Could not import: %(reason)s") % {"reason": exc})
    rows = []
    if report is not None and report.ids:
        rows = [Row(f) for f in selectors.by_ids_in_order(ids=list(dict.fromkeys(report.ids)))]
    return render(
        request,
        "factcheck/pages/import.html",
        {
            "form": form,
            "report": report,
            "rows": rows[:100],
            "queued": queued,
            "queued_files": core_tasks.queued_files(name="factcheck.import_file", actor_id=user.pk),
        },
    )
