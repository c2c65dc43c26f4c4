"""The events app's part of a person's data (issue #12, docs/privacy.md): registered with
`people.privacy` in `EventsConfig.ready`. Export: their registrations, tickets and attendance,
and the questions they asked the experts. Erase: their registrations (tickets and attendance go
with them; a gate's scan keeps only the ticket code it read, which no longer names anyone),
their questions and votes (the groups' counts are recounted; a group's wording, once a
moderator approved it, is the organisation's and stays)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from sampark.events.models import Question, QuestionGroup, QuestionVote, Registration
from sampark.people.privacy import Subject


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    if subject.person_id is None:
        return {}
    regs = (
        Registration.objects.filter(person_id=subject.person_id)
        .select_related("event")
        .order_by("id")
    )
    return {
        "event_registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "registered_at": r.created_at.isoformat(),
                "attended": hasattr(r, "attendance"),
            }
            for r in regs
        ],
        "event_questions": [
            {"event": q.event.title, "question": q.text, "asked_at": q.created_at.isoformat()}
            for q in Question.objects.filter(person_id=subject.person_id)
            .select_related("event")
            .order_by("id")
        ],
    }


def erase(subject: Subject) -> int:
    if subject.person_id is None:
        return 0
    pid = subject.person_id
    groups = set(Question.objects.filter(person_id=pid).values_list("group_id", flat=True))
    groups |= set(QuestionVote.objects.filter(person_id=pid).values_list("group_id", flat=True))
    erased = Question.objects.filter(person_id=pid).delete()[0]
    erased += QuestionVote.objects.filter(person_id=pid).delete()[0]
    for group in QuestionGroup.objects.filter(id__in=groups).annotate(n=Count("questions")):
        QuestionGroup.objects.filter(id=group.id).update(
            asked=group.n, votes=QuestionVote.objects.filter(group_id=group.id).count()
        )
    return int(erased + Registration.objects.filter(person_id=pid).delete()[0])
