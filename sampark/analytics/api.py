"""HTTP API of the analytics app (mounted at /api/analytics/ by sampark.api). Scoped: a unit
outside the caller's subtree answers 404, and no figure counts anything outside it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.analytics import selectors
from sampark.analytics.schemas import CoverageOut, LackingPageOut
from sampark.core.pagination import Limit, Offset

router = Router(tags=["analytics"])


class PageIn(Schema):
    limit: Limit = selectors.LACKING_PAGE
    offset: Offset = 0


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the API authenticates every request (django_auth)
    return user


@router.get("/coverage/{unit_id}", response=CoverageOut)
def coverage(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """Booth staffing of a unit and of each of its children (as `sampark coverage --json`)."""
    return selectors.coverage_for_user(user=_user(request), unit_id=unit_id).as_dict()


@router.get("/units/{unit_id}/booths-lacking", response=LackingPageOut)
def booths_lacking(request: HttpRequest, unit_id: int, page: Query[PageIn]) -> dict[str, Any]:
    """Booths under the unit short of BOOTH_FULL_STAFF volunteers, by AC and part number, with
    the nearest in-charge."""
    user = _user(request)
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    found = selectors.booths_lacking(
        unit=unit,
        limit=page.limit,
        offset=page.offset,
        scope=account_selectors.scope_root(user=user),
    )
    return {
        "total": selectors.booths_lacking_count(unit=unit),
        "offset": found.offset,
        "limit": found.limit,
        "next_offset": found.next_offset,
        "booths": found.booths,
    }
