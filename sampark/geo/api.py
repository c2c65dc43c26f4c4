"""HTTP API of the geo app (mounted at /api/geo/ by sampark.api). Every read is scoped: a unit
outside the caller's subtree answers 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.geo import selectors
from sampark.geo.models import Unit
from sampark.geo.schemas import UnitOut

router = Router(tags=["geo"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the API authenticates every request (django_auth)
    return user


@router.get("/units/by-path", response=UnitOut)
def unit_by_path(request: HttpRequest, path: str) -> Unit:
    """The unit at a materialised path, e.g. `?path=UP/D1/AC1`."""
    return selectors.visible_unit_by_path(user=_user(request), path=path)


@router.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    return account_selectors.access_unit(user=_user(request), unit_id=unit_id)


@router.get("/units/{unit_id}/children", response=list[UnitOut])
def unit_children(request: HttpRequest, unit_id: int) -> list[Unit]:
    """The units one level down (a PC's children are its ACs)."""
    return list(selectors.visible_children(user=_user(request), unit_id=unit_id))
