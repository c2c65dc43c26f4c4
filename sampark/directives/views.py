"""Pages: the directives list (inbox and sent), a new directive, one directive's status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts.enums import Capability
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.directives import selectors, services
from sampark.directives.forms import TARGET_LEVEL, DirectiveForm

SENT_PER_PAGE = 25
RECIPIENTS_PER_PAGE = 100


@login_required
@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    inbox = list(selectors.directives_inbox(user=user)[:100])
    sent = Paginator(selectors.directives_sent_visible(user=user), SENT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directives/pages/list.html",
        {
            "inbox": inbox,
            "sent": sent,
            "can_send": user.can(Capability.SEND_DIRECTIVES),
            "can_ack": user.can(Capability.ACK_DIRECTIVES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def directive_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can(Capability.SEND_DIRECTIVES):
        raise PermissionDenied(_("Your role may not send directives."))
    form = DirectiveForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_level = data["target"] == TARGET_LEVEL
        try:
            directive = services.directive_send(
                sender=user,
                title=data["title"],
                body=data["body"],
                due=data["due"],
                level=data["level"] if by_level else None,
                unit_ids=None if by_level else [u.id for u in data["units"]],
            )
            if data.get("attachment"):
                services.attachment_add(
                    directive_id=directive.id, actor=user, upload=data["attachment"]
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Directive sent."))
            return redirect("directives:detail", directive_id=directive.id)
    return render(request, "directives/pages/new.html", {"form": form})


@login_required
@require_GET
def directive_detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    user = _user(request)
    directive = selectors.access_directive(user=user, directive_id=directive_id)
    pending_only = request.GET.get("pending") == "1"
    status = selectors.directive_status(directive=directive, user=user, pending_limit=0)
    page = Paginator(
        selectors.directive_recipients(directive=directive, user=user, pending_only=pending_only),
        RECIPIENTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    names = selectors.incharge_names(unit_ids=[r.unit_id for r in page])
    rows = [(r, names.get(r.unit_id, [])) for r in page]
    return render(
        request,
        "directives/pages/detail.html",
        {
            "directive": directive,
            "status": status,
            "page": page,
            "rows": rows,
            "pending_only": pending_only,
            "own_unit_id": user.unit_id,
            "attachments": list(selectors.attachments_of(directive=directive)),
            "can_ack": user.can(Capability.ACK_DIRECTIVES),
        },
    )


@login_required
@require_POST
def recipient_ack(request: HtmxRequest, recipient_id: int) -> HttpResponse:
    user = _user(request)
    recipient = selectors.access_recipient(user=user, recipient_id=recipient_id)
    won = services.directive_acknowledge(
        recipient_id=recipient.id, user=user, note=request.POST.get("note", "")
    )
    if request.htmx:
        recipient = selectors.access_recipient(user=user, recipient_id=recipient.id)
        return render(
            request,
            "directives/partials/inbox_row.html",
            {"r": recipient, "can_ack": True},
        )
    if won:
        messages.success(request, _("Acknowledged."))
    else:
        messages.info(request, _("This directive was already acknowledged for your unit."))
    return redirect("directives:list")


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.access_attachment(user=_user(request), attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
