"""Reads of the fact-check app.

Fact-checks are public knowledge, not scoped by unit: every user who listens, triages or
manages fact-checks sees all of them; anybody else gets a 404 (nothing to discover).
"""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.lexicon import synonyms
from sampark.accounts.enums import FACTCHECK_PAGES
from sampark.accounts.models import User
from sampark.factcheck.models import ClaimMatch, FactCheck


def can_read(*, user: User) -> bool:
    return user.can_any(FACTCHECK_PAGES)


def require_read(*, user: User) -> None:
    """404 (not 403) for users without the capabilities, like an out-of-scope object."""
    if not can_read(user=user):
        raise Http404


def access_factcheck(*, user: User, factcheck_id: int) -> FactCheck:
    """Return the fact-check if the user may read fact-checks at all, else 404."""
    require_read(user=user)
    return get_object_or_404(FactCheck, id=factcheck_id)


def factchecks_visible(*, user: User) -> QuerySet[FactCheck]:
    require_read(user=user)
    return FactCheck.objects.all()


def factchecks_filter(
    qs: QuerySet[FactCheck],
    *,
    language: str = "",
    verdict: str = "",
    own: bool | None = None,
) -> QuerySet[FactCheck]:
    if language:
        qs = qs.filter(language=language)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if own is not None:
        qs = qs.filter(is_own_response=own)
    return qs


def factchecks_containing(qs: QuerySet[FactCheck], *, text: str) -> QuerySet[FactCheck]:
    """Plain substring search: the fallback for short queries the matcher will not band. Each
    word may also be found as a glossary synonym or translation (नोटबंदी: demonetisation)."""
    q = Q()
    for word in text.split()[:8]:
        either = Q()
        for form in (word, *synonyms(word)[:12]):
            either |= Q(claim_reviewed__icontains=form) | Q(title__icontains=form)
        q &= either
    return qs.filter(q)


def latest(qs: QuerySet[FactCheck]) -> QuerySet[FactCheck]:
    return qs.order_by("-published_at", "-id")


def by_ids_in_order(*, ids: list[int]) -> list[FactCheck]:
    rows = FactCheck.objects.in_bulk(ids)
    return [rows[i] for i in ids if i in rows]


# --- for the war room (issue #11: other apps read fact-checks here, never the models) ---------


def factcheck_find(*, factcheck_id: int) -> FactCheck | None:
    """The fact-check with this id, or None (unscoped: fact-checks are public knowledge)."""
    return FactCheck.objects.filter(id=factcheck_id).first()


def factchecks_changed_mark() -> tuple[int, str]:
    """A mark that changes whenever a fact-check is added or changed: (count, last change).
    Steps above factcheck compare it to decide when to match again (back-matching)."""
    found = FactCheck.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    last = found["last"]
    return int(found["n"] or 0), last.isoformat() if last else ""


def factcheck_verdict(*, factcheck_id: int) -> str:
    """The verdict of a fact-check ("" when there is none)."""
    return FactCheck.objects.filter(id=factcheck_id).values_list("verdict", flat=True).first() or ""


def own_response_ids(*, ids: list[int]) -> set[int]:
    """Which of these fact-checks are the organisation's own responses."""
    if not ids:
        return set()
    return set(
        FactCheck.objects.filter(id__in=ids, is_own_response=True).values_list("id", flat=True)
    )


def claim_matches_best(
    *, narrative_id: int | None, post_id: int | None, limit: int = 50
) -> list[tuple[int, float, str]]:
    """(fact-check id, score, band) of the stored matches of a narrative or a post to
    third-party fact-checks, best first (a fact-check may appear more than once)."""
    where = Q()
    if narrative_id is not None:
        where |= Q(narrative_id=narrative_id)
    if post_id is not None:
        where |= Q(post_id=post_id)
    if not where:
        return []
    return list(
        ClaimMatch.objects.filter(where, fact_check__is_own_response=False)
        .order_by("-score", "rank")
        .values_list("fact_check_id", "score", "band")[:limit]
    )
