"""The moderators' queue of questions for the experts (issue #14): approve, hide, reword,
merge and answer groups of similar questions. Needs RUN_EVENTS on the event's host."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.core.http import request_user as _user
from sampark.core.numbers import indian_group
from sampark.events import questions, selectors


@login_required
@require_GET
def question_queue(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = selectors.access_managed_event(user=user, event_id=event_id)
    found = questions.queue(event=event)
    return render(
        request,
        "events/pages/questions.html",
        {
            "event": event,
            "queue": found,
            "targets": found.pending + found.approved + found.answered,
        },
    )


def _into(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else None


@login_required
@require_POST
def question_moderate(request: HttpRequest, question_group_id: int) -> HttpResponse:
    user = _user(request)
    group = questions.access_moderated_group(user=user, group_id=question_group_id)
    action = request.POST.get("action", "")
    try:
        if action == "merge":
            into = _into(request.POST.get("into"))
            if into is None:
                raise ValidationError(_("Choose the group to merge into."))
            questions.group_merge(actor=user, group_id=group.id, into_id=into)
        elif action == "answer":
            queued = questions.group_answer(
                actor=user, group_id=group.id, answer=request.POST.get("answer", "")
            )
            messages.success(
                request, _("Answer published to %(n)s people.") % {"n": indian_group(queued)}
            )
        else:
            questions.group_moderate(
                actor=user, group_id=group.id, action=action, text=request.POST.get("text", "")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("events:questions", event_id=group.event_id)
