"""The organiser's invitation page: choose positions, see the audience count, send, and follow
the invitations' and reminders' progress (issue #14)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.content import selectors as content_selectors
from sampark.core.http import request_user as _user
from sampark.core.numbers import indian_group
from sampark.events import messaging, selectors
from sampark.people import selectors as people_selectors
from sampark.rules.enums import HoldReason


def _label(reason: str) -> str:
    return str(HoldReason(reason).label) if reason in HoldReason.values else reason


@login_required
@require_http_methods(["GET", "POST"])
def event_invite(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = selectors.access_managed_event(user=user, event_id=event_id)
    kinds = people_selectors.position_kinds()
    known = {k.code for k in kinds}
    source = request.POST if request.method == "POST" else request.GET
    chosen = [p for p in source.getlist("positions") if p in known][:20]
    if request.method == "POST":
        try:
            messaging.event_invite(actor=user, event_id=event.id, positions=chosen)
        except messaging.InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Invitations are being sent; progress is below."))
        return redirect("events:invite", event_id=event.id)
    if not chosen:
        chosen = [p for p in messaging.EXPECTED_POSITIONS.get(event.kind, []) if p in known]
    hindi = (get_language() or "hi").startswith("hi")
    sent = content_selectors.event_distributions(user=user, ref_prefix=f"{event.id}:")
    return render(
        request,
        "events/pages/invite.html",
        {
            "event": event,
            "kinds": [(k.code, k.name_hi if hindi else k.name_en) for k in kinds],
            "chosen": set(chosen),
            "audience": messaging.audience_preview(event=event, positions=chosen),
            # Each invitation or reminder with why its messages wait or were stopped.
            "sent": [
                (
                    row,
                    ", ".join(
                        f"{_label(reason)}: {indian_group(n)}"
                        for reason, n in content_selectors.event_held_counts(
                            distribution_id=row.distribution.id
                        ).items()
                    ),
                )
                for row in sent
            ],
        },
    )
