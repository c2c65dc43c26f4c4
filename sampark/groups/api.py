"""HTTP API of the booth group registry (mounted at /api/groups/ by sampark.api).

404 outside the caller's scope (looked up first), 403 inside it for a user who may not act,
422 with the service's message for a count the group cannot hold.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit
from sampark.core.http import request_user as _user
from sampark.core.pagination import Pagination
from sampark.geo.scope import subtree_q
from sampark.groups import selectors, services
from sampark.groups.enums import Platform
from sampark.groups.models import Group
from sampark.groups.schemas import CountIn, ErrorOut, GroupDetailOut, GroupOut

router = Router(tags=["groups"])

ERRORS: dict[int, type[ErrorOut]] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("", response=list[GroupOut])
@paginate(Pagination)
def list_groups(
    request: HttpRequest,
    unit_id: int | None = None,
    platform: str = "",
    include_archived: bool = False,
) -> QuerySet[Group]:
    """Groups the caller may see, by booth; `unit_id` narrows to a unit's subtree."""
    user = _user(request)
    qs = selectors.groups_visible(user=user)
    if unit_id is not None:
        qs = qs.filter(subtree_q(access_unit(user=user, unit_id=unit_id), field="booth"))
    if platform:
        if platform not in Platform.values:
            raise HttpError(422, "Unknown platform.")
        qs = qs.filter(platform=platform)
    if not include_archived:
        qs = qs.filter(archived_at=None)
    return qs.select_related("booth").prefetch_related("admins").order_by("booth__path", "id")


def _detail(user: User, group: Group) -> Group:
    """The group with what GroupDetailOut shows beyond the row (the link only to its runners)."""
    group.visible_link = (  # type: ignore[attr-defined]
        group.invite_link if services.may_run(user=user, group=group) else ""
    )
    group.joins_active = selectors.join_summary(group=group).active  # type: ignore[attr-defined]
    group.history = selectors.count_history(group=group)  # type: ignore[attr-defined]
    return group


@router.get("/{booth_group_id}", response={200: GroupDetailOut, **ERRORS})
def get_group(request: HttpRequest, booth_group_id: int) -> Group:
    user = _user(request)
    return _detail(user, selectors.access_group(user=user, group_id=booth_group_id))


@router.post("/{booth_group_id}/count", response={200: GroupDetailOut, **ERRORS})
def report_count(request: HttpRequest, booth_group_id: int, payload: CountIn) -> Group:
    """Report the group's member count (its admins and in-charges)."""
    user = _user(request)
    group = selectors.access_group(user=user, group_id=booth_group_id)
    if not services.may_run(user=user, group=group):
        raise HttpError(403, "Only the group's admins and in-charges may do this.")
    try:
        services.member_count_report(group_id=group.id, count=payload.count, actor=user)
    except ValidationError as exc:
        raise HttpError(422, " ".join(str(m) for m in exc.messages)) from exc
    return _detail(user, selectors.access_group(user=user, group_id=group.id))
