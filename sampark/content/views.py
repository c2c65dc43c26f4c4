"""Staff pages of the content app: the library, review, certificates, sending and reports.

Every view fetches its object through an `access_*` selector first (404 outside the user's
subtree) and only then lets the service check the capability (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_capability as _require
from sampark.content import audit, gates, hashing, reports, selectors, services
from sampark.content.enums import (
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    ItemState,
)
from sampark.content.forms import (
    CertificateAttachForm,
    CertificateForm,
    DistributionForm,
    ItemForm,
    MediaForm,
    RecallForm,
    ReviewForm,
)
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.core.http import wants_fragment as _partial
from sampark.core.models import AuditEvent
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.validation import display_phone
from sampark.rules import services as rules_services
from sampark.rules.enums import HoldReason
from sampark.rules.errors import RulesError

PER_PAGE = 25
UNIT_SEARCH_LIMIT = 20
REPORT_DAYS = 7
# Library tabs, in the order a kit moves through them.
TABS = (
    ItemState.DRAFT,
    ItemState.IN_REVIEW,
    ItemState.APPROVED,
    ItemState.SCHEDULED,
    ItemState.SENT,
    ItemState.RECALLED,
)
# The history of a kit, as its audit rows name the steps.
VERB_LABELS = {
    "content.created": gettext_lazy("Created"),
    "content.updated": gettext_lazy("Edited"),
    "content.media_added": gettext_lazy("File added"),
    "content.media_removed": gettext_lazy("File removed"),
    "content.submitted": gettext_lazy("Sent for review"),
    "content.approved": gettext_lazy("Approved"),
    "content.sent_back": gettext_lazy("Sent back to the author"),
    "content.certificate_attached": gettext_lazy("Certificate attached"),
    "content.recalled": gettext_lazy("Withdrawn"),
}
LIVE = (DistributionStatus.SCHEDULED, DistributionStatus.EXPANDING, DistributionStatus.SENDING)


def _language() -> str:
    return translation.get_language() or "hi"


def reason_labels(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, translated label, count), largest first; an empty reason is 'cancelled by hand'."""
    labels = dict(HoldReason.choices)
    out = [
        (code, str(labels.get(code, code)) if code else _("Cancelled by the sender"), n)
        for code, n in counts.items()
        if n
    ]
    return sorted(out, key=lambda r: (-r[2], r[0]))


# --- the library ---


@login_required
@require_GET
def library(request: HtmxRequest) -> HttpResponse:
    user = _user(request)
    asked = request.GET.get("state", "")
    state = asked if asked in TABS else str(ItemState.DRAFT)
    q = request.GET.get("q", "").strip()
    visible = selectors.items_visible(user=user)
    if q:
        visible = visible.filter(Q(title__icontains=q) | Q(tags__icontains=q))
    counts = visible.aggregate(**{str(s): Count("id", filter=Q(state=s)) for s in TABS})
    page = Paginator(visible.filter(state=state).order_by("-updated_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(ItemState.choices)
    context = {
        "tabs": [(str(s), labels[s], counts[str(s)]) for s in TABS],
        "state": state,
        "q": q,
        "page": page,
        "can_create": user.can(Capability.CREATE_CONTENT),
    }
    name = (
        "content/partials/library_list.html" if _partial(request) else "content/pages/library.html"
    )
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Capability.CREATE_CONTENT)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = account_selectors.scope_root(user=user)
        try:
            item = services.item_create(actor=user, unit=unit, **form.service_fields())
        except services.ContentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft saved. Add media, then send it for review."))
            return redirect("content:edit", item_id=item.id)
    return render(request, "content/pages/item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.CREATE_CONTENT)
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(item_id=item.id, actor=user, **form.service_fields())
            except services.ContentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("content:edit", item_id=item.id)
    else:
        form = ItemForm(initial=ItemForm.initial_from(item))
    return render(
        request,
        "content/pages/item_form.html",
        {
            "form": form,
            "item": item,
            "media_form": MediaForm(),
            "editable": item.state == ItemState.DRAFT,
        },
    )


@login_required
@require_POST
def media_add(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.CREATE_CONTENT)
    form = MediaForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.media_add(item_id=item.id, actor=user, upload=form.cleaned_data["upload"])
        except services.ContentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("File added."))
    return redirect("content:edit", item_id=item.id)


@login_required
@require_POST
def media_remove(request: HtmxRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.CREATE_CONTENT)
    # The media id comes from the form and is matched against this (scoped) item's media only.
    asset = next((m for m in item.media.all() if str(m.id) == request.POST.get("media")), None)
    if asset is None:
        raise Http404
    try:
        services.media_remove(media_id=asset.id, actor=user)
    except services.ContentError as exc:
        messages.error(request, str(exc))
    if _partial(request):
        item = selectors.access_item(user=user, item_id=item.id)
        return render(
            request,
            "content/partials/media_list.html",
            {"item": item, "editable": item.state == ItemState.DRAFT},
        )
    return redirect("content:edit", item_id=item.id)


@login_required
@require_GET
def media_file(request: HttpRequest, item_id: int) -> FileResponse:
    """A kit's media file (`?sha=`; the first one without), for staff previews (files are not
    served from MEDIA_URL)."""
    item = selectors.access_item(user=_user(request), item_id=item_id)
    sha = request.GET.get("sha", "")
    asset = next((m for m in item.media.all() if not sha or m.sha256 == sha), None)
    if asset is None:
        raise Http404
    response = FileResponse(asset.file.open("rb"), content_type=asset.mime, filename=asset.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _labelled(event: AuditEvent) -> AuditEvent:
    event.label = str(VERB_LABELS.get(event.verb, event.verb))  # type: ignore[attr-defined]
    return event


def _detail_context(user: User, item: ContentItem) -> dict[str, Any]:
    current = hashing.compute_hash(item)
    cert = item.certificate
    return {
        "item": item,
        "timeline": [_labelled(e) for e in reports.item_timeline(item_id=item.id)],
        "distributions": list(
            selectors.distributions_visible(user=user).filter(item=item).order_by("-scheduled_at")
        ),
        "current_hash": current,
        "cert_matches": cert is not None and cert.content_hash == current,
        "can_edit": item.state == ItemState.DRAFT and user.can(Capability.CREATE_CONTENT),
        "can_review": (
            item.state == ItemState.IN_REVIEW
            and user.can(Capability.REVIEW_CONTENT)
            and item.author_id != user.id
        ),
        "own_item_in_review": item.state == ItemState.IN_REVIEW and item.author_id == user.id,
        "can_send": item.state in services.SENDABLE and user.can(Capability.DISTRIBUTE),
        "can_recall": item.state != ItemState.RECALLED and user.can(Capability.REVIEW_CONTENT),
        "can_certify": user.can(Capability.MANAGE_COMPLIANCE),
        "can_attach": user.can(Capability.REVIEW_CONTENT),
        "review_form": ReviewForm(),
        "recall_form": RecallForm(),
        "attach_form": CertificateAttachForm(user=user),
        "cert_form": CertificateForm(),
    }


@login_required
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    return render(request, "content/pages/item_detail.html", _detail_context(user, item))


def _back_to_item(request: HttpRequest, item_id: int, error: Exception | None) -> HttpResponse:
    if error is not None:
        messages.error(request, str(error))
    return redirect("content:detail", item_id=item_id)


@login_required
@require_POST
def item_submit(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.CREATE_CONTENT)
    try:
        services.item_submit(item_id=item.id, actor=user)
    except services.ContentError as exc:
        return _back_to_item(request, item.id, exc)
    messages.success(request, _("Sent for review."))
    return redirect("content:detail", item_id=item.id)


@login_required
@require_POST
def item_review(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.REVIEW_CONTENT)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _back_to_item(request, item.id, ValueError(" ".join(errors)))
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == ReviewForm.APPROVE:
            services.item_approve(item_id=item.id, actor=user, note=note)
            messages.success(request, _("Approved. It can now be sent."))
        else:
            services.item_reject(item_id=item.id, actor=user, note=note)
            messages.success(request, _("Sent back to the author."))
    except services.ContentError as exc:
        return _back_to_item(request, item.id, exc)
    return redirect("content:detail", item_id=item.id)


@login_required
@require_POST
def item_recall(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.REVIEW_CONTENT)
    form = RecallForm(request.POST)
    if not form.is_valid():
        return _back_to_item(request, item.id, ValueError(_("Say why the kit is withdrawn.")))
    try:
        notice = services.item_recall(
            item_id=item.id, actor=user, reason=form.cleaned_data["reason"]
        )
    except services.ContentError as exc:
        return _back_to_item(request, item.id, exc)
    if notice is not None:
        messages.success(request, _("Withdrawn. A take-down notice goes to everyone who got it."))
        return redirect("content:distribution", distribution_id=notice.id)
    messages.success(request, _("Withdrawn. Nobody had received it yet."))
    return redirect("content:detail", item_id=item.id)


@login_required
@require_POST
def certificate_attach(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.REVIEW_CONTENT)
    form = CertificateAttachForm(request.POST, user=user)
    if not form.is_valid():
        return _back_to_item(request, item.id, ValueError(_("Choose a certificate.")))
    services.certificate_attach(
        item_id=item.id, certificate_id=form.cleaned_data["certificate"].id, actor=user
    )
    messages.success(request, _("Certificate attached."))
    return redirect("content:detail", item_id=item.id)


@login_required
@require_POST
def certificate_new(request: HttpRequest, item_id: int) -> HttpResponse:
    """Register the MCMC certificate for this kit's current content and attach it."""
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.MANAGE_COMPLIANCE)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _back_to_item(request, item.id, ValueError(" ".join(errors)))
    data = form.cleaned_data
    try:
        with transaction.atomic():
            cert = rules_services.certificate_create(
                actor=user,
                unit=item.unit,
                number=data["number"],
                committee=data["committee"],
                content_hash=hashing.compute_hash(item),
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
            )
            services.certificate_attach(item_id=item.id, certificate_id=cert.id, actor=user)
    except (services.ContentError, RulesError) as exc:
        return _back_to_item(request, item.id, exc)
    messages.success(request, _("Certificate registered and attached."))
    return redirect("content:detail", item_id=item.id)


# --- sending ---


@login_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    """Units of the user's area matching a name or path, for the send form's picker."""
    user = _user(request)
    q = request.GET.get("q", "").strip()
    units: list[Unit] = []
    if len(q) >= 2:
        units = list(
            account_selectors.visible_units(user=user)
            .filter(Q(name__icontains=q) | Q(name_hi__icontains=q) | Q(path__istartswith=q))
            .exclude(level=Level.PC)
            .order_by("depth", "path")[:UNIT_SEARCH_LIMIT]
        )
    return render(request, "content/partials/unit_results.html", {"units": units, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def item_send(request: HtmxRequest, item_id: int) -> HttpResponse:
    user = _user(request)
    item = selectors.access_item(user=user, item_id=item_id)
    _require(user, Capability.DISTRIBUTE)
    form = DistributionForm(request.POST or None, user=user, language=_language())
    preview: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            result = gates.simulate(
                item=item,
                target_ids=form.target_ids(),
                positions=form.cleaned_data["positions"],
                purpose=form.cleaned_data["purpose"],
                at=form.scheduled_at(),
            )
            held: dict[str, int] = dict(result.get("held") or {})
            preview = {
                "deliveries": result.get("deliveries", 0),
                "would_send": result.get("would_send", 0),
                "held": reason_labels(held),
                "held_total": sum(held.values()),
            }
            if _partial(request):
                return render(request, "content/partials/send_preview.html", {"preview": preview})
        else:
            try:
                distribution = services.distribution_create(
                    actor=user,
                    item_id=item.id,
                    target_ids=form.target_ids(),
                    positions=form.cleaned_data["positions"],
                    purpose=form.cleaned_data["purpose"],
                    scheduled_at=form.scheduled_at(),
                )
            except services.ContentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Scheduled."))
                return redirect("content:distribution", distribution_id=distribution.id)
    elif request.method == "POST" and _partial(request):
        return render(request, "content/partials/send_preview.html", {"form": form})
    chosen: list[Unit] = []
    if form.is_bound and form.is_valid():
        chosen = list(form.cleaned_data["targets"])
    elif form.is_bound:
        ids = [int(v) for v in request.POST.getlist("targets") if v.isdigit()]
        chosen = list(account_selectors.visible_units(user=user).filter(id__in=ids))
    return render(
        request,
        "content/pages/send.html",
        {"item": item, "form": form, "preview": preview, "chosen": chosen},
    )


# --- distributions and reports ---


@login_required
@require_GET
def distribution_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(
        # Sign-in invitations have their own page (`views_invite`).
        selectors.distributions_visible(user=user)
        .exclude(kind=DistributionKind.INVITE)
        # An event's invitations and notices are on the event's page (issue #14).
        .exclude(kind__in=[DistributionKind.EVENT, DistributionKind.NOTICE])
        .order_by("-scheduled_at", "-id"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    ids = [d.id for d in page]
    counts = {
        row["distribution_id"]: row
        for row in Delivery.objects.filter(distribution_id__in=ids)
        .values("distribution_id")
        .annotate(
            total=Count("id"),
            sent=Count("id", filter=Q(status__in=reports.LEFT)),
            opened=Count("id", filter=Q(opened_at__isnull=False)),
            held=Count("id", filter=Q(status=DeliveryStatus.HELD)),
        )
        .order_by()
    }
    rows = [(d, counts.get(d.id, {})) for d in page]
    return render(request, "content/pages/distributions.html", {"page": page, "rows": rows})


def _crumbs(user: User, distribution: Distribution, unit: Unit) -> list[Unit]:
    """From the report's top unit down to `unit` (only units the user may open)."""
    top = distribution.unit
    chain = [
        u
        for u in (unit.state, unit.district, unit.ac)
        if u is not None and u.depth >= top.depth and u.id != unit.id
    ]
    root = account_selectors.scope_root(user=user)
    return [u for u in chain if u.is_descendant_of(root)] + [unit]


def _report(request: HtmxRequest, distribution_id: int, unit_id: int | None) -> HttpResponse:
    user = _user(request)
    distribution = selectors.access_distribution(user=user, distribution_id=distribution_id)
    if unit_id is None and request.GET.get("unit", "").isdigit():
        unit_id = int(request.GET["unit"])
    unit = (
        account_selectors.access_unit(user=user, unit_id=unit_id)
        if unit_id is not None
        else distribution.unit
    )
    scoped = None if unit.id == distribution.unit_id else unit
    totals = reports.distribution_totals(distribution=distribution, unit=scoped)
    rows = reports.distribution_rollup(distribution=distribution, parent=unit)
    context = {
        "distribution": distribution,
        "unit": unit,
        "crumbs": _crumbs(user, distribution, unit) if unit.id != distribution.unit_id else [],
        "totals": totals,
        "held": reason_labels(totals.held_by_reason),
        "cancelled": reason_labels(totals.cancelled_by_reason),
        "rows": rows,
        "drill": reports.CHILD_COLUMN.get(unit.level) != "unit_id_at",
        "live": distribution.status in LIVE,
        "can_cancel": (
            distribution.status == DistributionStatus.SCHEDULED and user.can(Capability.DISTRIBUTE)
        ),
        "refreshed_at": timezone.now(),
    }
    name = "content/partials/report.html" if _partial(request) else "content/pages/report.html"
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def distribution_report(request: HtmxRequest, distribution_id: int) -> HttpResponse:
    return _report(request, distribution_id, None)


@login_required
@require_GET
def distribution_unit(request: HtmxRequest, distribution_id: int, unit_id: int) -> HttpResponse:
    return _report(request, distribution_id, unit_id)


@login_required
@require_POST
def distribution_cancel(request: HttpRequest, distribution_id: int) -> HttpResponse:
    user = _user(request)
    distribution = selectors.access_distribution(user=user, distribution_id=distribution_id)
    _require(user, Capability.DISTRIBUTE)
    if services.distribution_cancel(distribution_id=distribution.id, actor=user):
        messages.success(request, _("Cancelled. Nothing more will be sent."))
    else:
        messages.info(request, _("This distribution had already finished."))
    return redirect("content:distribution", distribution_id=distribution.id)


@login_required
@require_GET
def dead_letters(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.dead_letters(user=user), PER_PAGE).get_page(request.GET.get("page"))
    masked = not user.can(Capability.SEE_PHONES)
    rows = [(d, display_phone(d.person.phone, masked=masked)) for d in page]
    if not masked:
        audit.dead_letters_read(actor=user, rows=len(rows), page=page.number)
    return render(
        request,
        "content/pages/dead_letters.html",
        {"page": page, "rows": rows, "can_retry": user.can(Capability.DISTRIBUTE)},
    )


@login_required
@require_POST
def delivery_retry(request: HtmxRequest, dead_letter_id: int) -> HttpResponse:
    user = _user(request)
    delivery = get_object_or_404(selectors.dead_letters(user=user), id=dead_letter_id)
    _require(user, Capability.DISTRIBUTE)
    done = services.delivery_retry(delivery_id=delivery.id, actor=user)
    if _partial(request):
        return render(request, "content/partials/retried.html", {"done": done})
    if done:
        messages.success(request, _("Queued again."))
    return redirect("content:dead_letters")


@login_required
@require_GET
def unit_reports(request: HttpRequest) -> HttpResponse:
    """Per-unit report across every kit sent in the last days (7 by default)."""
    user = _user(request)
    raw = request.GET.get("unit", "")
    unit = (
        account_selectors.access_unit(user=user, unit_id=int(raw))
        if raw.isdigit()
        else account_selectors.scope_root(user=user)
    )
    try:
        days = min(max(int(request.GET.get("days", REPORT_DAYS)), 1), 90)
    except ValueError:
        days = REPORT_DAYS
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        reports.unit_report(user=user, unit=unit, since=since) if unit.level != Level.BOOTH else []
    )
    return render(
        request,
        "content/pages/unit_report.html",
        {
            "unit": unit,
            "days": days,
            "since": since,
            "rows": rows,
            "totals": reports.unit_totals(user=user, unit=unit, since=since),
            "drill": reports.CHILD_COLUMN.get(unit.level) != "unit_id_at",
            "parent": unit.parent if unit.id != user.unit_id else None,
        },
    )
