"""The booth staffing counter (`Unit.volunteers`): verified volunteers holding booth positions.

Services adjust it in the same transaction as the assignment change; bulk paths (import, demo)
call `booth_recount` for the booths they touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment


def booth_recount(*, booth_ids: Iterable[int] | None = None) -> int:
    """Recompute the counter for the given booths (all booths when None); returns rows updated."""
    verified = (
        Assignment.objects.filter(
            unit_id=OuterRef("pk"),
            status=AssignmentStatus.VERIFIED,
            kind__counts_toward_staffing=True,
        )
        .order_by()
        .values("unit_id")
        .annotate(n=Count("person_id", distinct=True))
        .values("n")
    )
    qs = Unit.objects.filter(level=Level.BOOTH)
    if booth_ids is not None:
        ids = list(booth_ids)
        total = 0
        for start in range(0, len(ids), 500):
            total += qs.filter(id__in=ids[start : start + 500]).update(
                volunteers=Coalesce(Subquery(verified), Value(0))
            )
        return total
    return qs.update(volunteers=Coalesce(Subquery(verified), Value(0)))
