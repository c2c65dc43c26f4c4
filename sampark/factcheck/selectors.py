"""Reads of the fact-check app.

Fact-checks are public knowledge, not scoped by unit: every user who listens, triages or
manages fact-checks sees all of them; anybody else gets a 404 (nothing to discover).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.lexicon import synonyms
from sampark.accounts.enums import FACTCHECK_PAGES
from sampark.accounts.models import User
from sampark.factcheck.enums import MatchBand
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
    *, narrative_id: int | None, post_id: int | None, limit: int = 50, include_own: bool = False
) -> list[tuple[int, float, str]]:
    """(fact-check id, score, band) of the stored matches of a narrative or a post, best
    first; third-party fact-checks only unless `include_own` (the organisation's responses)."""
    where = Q()
    if narrative_id is not None:
        where |= Q(narrative_id=narrative_id)
    if post_id is not None:
        where |= Q(post_id=post_id)
    if not where:
        return []
    rows = ClaimMatch.objects.filter(where)
    if not include_own:
        rows = rows.filter(fact_check__is_own_response=False)
    return list(
        rows.order_by("-score", "rank").values_list("fact_check_id", "score", "band")[:limit]
    )


def matches_shown(*, narrative_id: int, limit: int = 5) -> list[dict[str, Any]]:
    """The stored matches of a narrative with their fact-checks, best first (its page)."""
    rows = claim_matches_best(narrative_id=narrative_id, post_id=None, limit=limit)
    checks = FactCheck.objects.in_bulk([fc_id for fc_id, _s, _b in rows])
    return [
        {"fact_check": checks[fc_id], "score": score, "band": band}
        for fc_id, score, band in rows
        if fc_id in checks
    ]


def auto_matches_since(
    *, since: datetime, limit: int, exclude_ids: Iterable[int] | QuerySet[Any] = ()
) -> list[tuple[int, int]]:
    """(match id, narrative id) of narratives' matches that reached the "auto" band since
    `since` (third-party fact-checks), oldest first, leaving out these match ids."""
    return list(
        ClaimMatch.objects.filter(
            auto_at__gte=since,
            band=MatchBand.AUTO,
            narrative__isnull=False,
            fact_check__is_own_response=False,
        )
        .exclude(id__in=exclude_ids)
        .order_by("auto_at", "id")
        .values_list("id", "narrative_id")[:limit]
    )


def narratives_sharing_claim(*, narrative_ids: list[int]) -> dict[int, set[int]]:
    """For each of these narratives, the other narratives carrying the same claim, by their
    stored matches: both match some third-party fact-check in the "auto" band, and they share a
    fact-check that is "auto" for at least one of them (a Hindi forward may meet the English
    fact-check only as "suggest"). Chatter with "suggest" matches alone is never linked.
    Three queries for the whole batch."""
    third_party = ClaimMatch.objects.filter(fact_check__is_own_response=False)
    mine: dict[int, list[tuple[int, str]]] = {}
    for nid, fc, band in third_party.filter(narrative_id__in=narrative_ids).values_list(
        "narrative_id", "fact_check_id", "band"
    ):
        mine.setdefault(nid, []).append((fc, band))
    mine = {n: rows for n, rows in mine.items() if any(b == MatchBand.AUTO for _f, b in rows)}
    if not mine:
        return {}
    by_fc: dict[int, list[tuple[int, str]]] = {}
    fcs = {fc for rows in mine.values() for fc, _b in rows}
    for nid, fc, band in third_party.filter(
        fact_check_id__in=list(fcs), narrative__isnull=False
    ).values_list("narrative_id", "fact_check_id", "band"):
        by_fc.setdefault(fc, []).append((nid, band))
    out: dict[int, set[int]] = {}
    for nid, rows in mine.items():
        out[nid] = {
            other
            for fc, band in rows
            for other, theirs in by_fc.get(fc, [])
            if other != nid and MatchBand.AUTO in (band, theirs)
        }
    candidates = {o for found in out.values() for o in found}
    with_auto = set(
        third_party.filter(narrative_id__in=list(candidates), band=MatchBand.AUTO)
        .values_list("narrative_id", flat=True)
        .distinct()
    )
    return {nid: found & with_auto for nid, found in out.items() if found & with_auto}
