"""Pages of sign-in invitations to an imported list (issue #13): choose a finished import job
and a channel, then watch the progress (HTMX refresh). Objects come through `access_*` first
(404 outside the user's subtree); the service checks the capability (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sampark.accounts.enums import Capability
from sampark.accounts.permissions import require_capability
from sampark.content import invitations
from sampark.content.enums import Channel
from sampark.core.http import HtmxRequest, wants_fragment
from sampark.core.http import request_user as _user
from sampark.people import selectors as people_selectors

REFRESH_SECONDS = 5


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HtmxRequest) -> HttpResponse:
    user = _user(request)
    require_capability(user, Capability.DISTRIBUTE)
    jobs = list(people_selectors.finished_import_jobs(user=user)[:50])
    if request.method == "POST":
        raw = request.POST.get("job", "")
        channel = request.POST.get("channel", "")
        if not raw.isdigit():
            messages.error(request, _("Choose an import."))
            return redirect("content:invitations")
        try:
            distribution = invitations.invitation_create(
                actor=user, job_id=int(raw), channel=channel
            )
        except invitations.InvitationError as exc:
            messages.error(request, str(exc))
            return redirect("content:invitations")
        messages.success(request, _("Invitations queued."))
        return redirect("content:invitation", distribution_id=distribution.id)
    # Coming from an import's page (`?job=<id>`): that job is chosen already (404 outside the
    # user's subtree), listed even when older than the newest 50.
    raw = request.GET.get("job", "")
    chosen = None
    if raw.isdigit() and len(raw) < 12:
        chosen = people_selectors.access_finished_import_job(user=user, job_id=int(raw))
        jobs = [chosen, *(j for j in jobs if j.id != chosen.id)]
    context = {
        "jobs": jobs,
        "chosen": chosen.id if chosen else None,
        "channels": [(c.value, c.label) for c in invitations.CHOICES],
        "sent": invitations.invitations_visible(user=user).select_related("import_job")[:50],
    }
    return render(request, "content/pages/invitations.html", context)


@login_required
@require_GET
def invitation_progress(request: HtmxRequest, distribution_id: int) -> HttpResponse:
    user = _user(request)
    distribution = invitations.access_invitation(user=user, distribution_id=distribution_id)
    counts = invitations.progress(distribution=distribution)
    context = {
        "distribution": distribution,
        "counts": counts,
        "skipped": invitations.skipped(distribution=distribution),
        "live": not (distribution.expanded_at and counts.finished),
        "refresh": REFRESH_SECONDS,
        "refreshed_at": timezone.localtime(),
        "telegram": Channel.TELEGRAM,
    }
    if wants_fragment(request):
        return render(request, "content/partials/invitation.html", context)
    return render(request, "content/pages/invitation.html", context)
