"""HTTP API of notify (mounted at /api/notify/): the inbox and marking read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit, Offset
from sampark.notify import selectors, services
from sampark.notify.schemas import InboxOut, NotificationOut, ReadOut

router = Router(tags=["notify"])


@router.get("", response=InboxOut)
def inbox(
    request: HttpRequest, unread: bool = False, limit: Limit = 100, offset: Offset = 0
) -> InboxOut:
    """Your notifications, newest first, and how many are unread."""
    user = _user(request)
    rows = selectors.inbox(user=user, unread_only=unread)[offset : offset + limit]
    return InboxOut(
        unread=selectors.unread_count(user=user),
        items=[NotificationOut.from_orm(n) for n in rows],
    )


@router.post("/{notification_id}/read", response=ReadOut)
def mark_read(request: HttpRequest, notification_id: int) -> ReadOut:
    """Mark one of your notifications read; `changed` is False if it already was."""
    user = _user(request)
    n = selectors.access_notification(user=user, notification_id=notification_id)
    return ReadOut(changed=services.notification_mark_read(user=user, notification_id=n.id))
