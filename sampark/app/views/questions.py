"""Questions for the experts, on the phone (issue #14): ask, upvote, read the answers (FAQ).
The rules are the events app's (`sampark.events.questions`); this is its phone screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.core.http import request_user as _user
from sampark.events import questions
from sampark.events import selectors as events_selectors
from sampark.events.enums import QuestionSource, QuestionStatus


@login_required
@require_GET
def question_list(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = events_selectors.access_event(user=user, event_id=event_id)
    if not questions.may_read(user=user, event=event):
        messages.info(request, _("Register for the event to ask and vote."))
        return redirect("app:events")
    query = request.GET.get("q", "")[:200]
    groups = list(questions.open_groups(event=event))
    answered = questions.faq(event=event, query=query)
    return render(
        request,
        "app/pages/event_questions.html",
        {
            "event": event,
            "groups": groups,
            "answered": answered,
            "query": query,
            "voted": questions.my_votes(user=user, group_ids=[g.id for g in groups]),
        },
    )


@login_required
@require_POST
def question_ask(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    try:
        question = questions.question_ask(
            user=user,
            event_id=event_id,
            text=request.POST.get("text", ""),
            source=QuestionSource.APP,
        )
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        if question.group.asked > 1 or question.group.status != QuestionStatus.PENDING:
            messages.success(request, _("Others asked this too: your question joins theirs."))
        else:
            messages.success(request, _("Thank you: your question is with the moderators."))
    return redirect("app:event_questions", event_id=event_id)


@login_required
@require_POST
def question_vote(request: HttpRequest, question_group_id: int) -> HttpResponse:
    user = _user(request)
    group = questions.access_open_group(user=user, group_id=question_group_id)
    try:
        counted = questions.question_vote(user=user, group_id=group.id)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if not counted:
            messages.info(request, _("You have already voted for this question."))
    return redirect("app:event_questions", event_id=group.event_id)
