"""The training app's part of a person's data (issue #12, docs/privacy.md): registered with
`people.privacy` in `TrainingConfig.ready`. Export: their quiz attempts and completions.
Erase: both (a certificate's verification code then no longer answers)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sampark.people.privacy import Subject
from sampark.training.models import Attempt, Completion


def _whose(subject: Subject) -> Q | None:
    q = Q(pk__in=[])
    if subject.person_id is not None:
        q |= Q(person_id=subject.person_id)
    if subject.user_id is not None:
        q |= Q(user_id=subject.user_id)
    return None if subject.person_id is None and subject.user_id is None else q


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    q = _whose(subject)
    if q is None:
        return {}
    attempts = Attempt.objects.filter(q).select_related("module").order_by("id")
    completions = Completion.objects.filter(q).select_related("module").order_by("id")
    return {
        "training_attempts": [
            {
                "module": a.module.title_en,
                "version": a.version,
                "score": a.score,
                "passed": a.passed,
                "at": a.created_at.isoformat(),
            }
            for a in attempts
        ],
        "training_completions": [
            {
                "module": c.module.title_en,
                "version": c.version,
                "name": c.name,
                "code": c.code,
                "completed_at": c.completed_at.isoformat(),
            }
            for c in completions
        ],
    }


def erase(subject: Subject) -> int:
    q = _whose(subject)
    if q is None:
        return 0
    return int(Completion.objects.filter(q).delete()[0] + Attempt.objects.filter(q).delete()[0])
