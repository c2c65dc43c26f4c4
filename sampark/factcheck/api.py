"""The factcheck app's Ninja router (mounted at /api/factcheck/ by sampark/api.py).

Session auth like the other routers. Fact-checks are not scoped by unit: callers with
listen/triage/manage_factchecks see all of them, anybody else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit
from sampark.factcheck import selectors, services
from sampark.factcheck.enums import FactCheckLang, Verdict
from sampark.factcheck.schemas import ErrorOut, FactCheckOut, MatchOut

router = Router(tags=["factcheck"])

MAX_LIMIT = 100


@router.get("/factchecks", response={200: list[FactCheckOut], 404: ErrorOut, 422: ErrorOut})
def factcheck_list(
    request: HttpRequest, language: str = "", verdict: str = "", limit: Limit = 50
) -> Status[Any]:
    """Latest fact-checks, newest first, filtered by language and verdict."""
    qs = selectors.factchecks_visible(user=_user(request))
    if language and language not in FactCheckLang.values:
        return Status(422, ErrorOut(detail="unknown language"))
    if verdict and verdict not in Verdict.values:
        return Status(422, ErrorOut(detail="unknown verdict"))
    qs = selectors.latest(selectors.factchecks_filter(qs, language=language, verdict=verdict))
    limit = max(1, min(limit, MAX_LIMIT))
    return Status(200, [FactCheckOut.from_orm(f) for f in qs[:limit]])


@router.get("/search", response={200: list[MatchOut], 404: ErrorOut, 422: ErrorOut})
def factcheck_search(request: HttpRequest, q: str, k: int = 5) -> Status[Any]:
    """Fact-checks matching a text (a forward, a claim), best first, with score and band."""
    selectors.require_read(user=_user(request))
    if not q.strip():
        return Status(422, ErrorOut(detail="q is empty"))
    found = services.match_text(text=q[:5000], k=max(1, min(k, MAX_LIMIT)))
    rows = {f.id: f for f in selectors.by_ids_in_order(ids=[m.fact_check_id for m in found])}
    return Status(
        200,
        [
            MatchOut(
                fact_check=FactCheckOut.from_orm(rows[m.fact_check_id]),
                score=m.score,
                band=m.band,
            )
            for m in found
            if m.fact_check_id in rows
        ],
    )


@router.get("/factchecks/{factcheck_id}", response={200: FactCheckOut, 404: ErrorOut})
def factcheck_detail(request: HttpRequest, factcheck_id: int) -> Status[Any]:
    """One fact-check."""
    fact_check = selectors.access_factcheck(user=_user(request), factcheck_id=factcheck_id)
    return Status(200, FactCheckOut.from_orm(fact_check))
