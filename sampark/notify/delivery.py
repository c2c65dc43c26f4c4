"""Sending notifications beyond the inbox, through the channel senders of `integrations`.

The shape of the content outbox (`content.sending`): a claim is a lease taken with SKIP LOCKED,
every send carries the delivery's idempotency key, and a result is recorded only while the claim
is still ours. The shared sending rules (`rules.selectors.check`, purpose "operations") are asked
right before each message leaves; a page ignores quiet hours (the rules' and the user's own),
nothing else does.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sampark.content import selectors as content_selectors
from sampark.core.worker import shutdown_requested
from sampark.integrations.base import ConnectorError, RateLimited
from sampark.integrations.channels import Outbound, PermanentError, Sent, get_channel
from sampark.integrations.msg91 import Report
from sampark.notify.enums import Channel, DeliveryStatus
from sampark.notify.models import Delivery, Profile
from sampark.people.enums import ConsentPurpose
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import WAITING_REASONS, HoldReason

logger = logging.getLogger(__name__)

IST = ZoneInfo("Asia/Kolkata")
PURPOSE = ConsentPurpose.OPERATIONS
DUE = [DeliveryStatus.QUEUED, DeliveryStatus.HELD, DeliveryStatus.SENDING]


def conf() -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "BATCH": 200,
        "LEASE_SECONDS": 60,
        "MAX_ATTEMPTS": 6,
        "SMS_TEMPLATE_ID": "",
    }
    return {**defaults, **getattr(settings, "SAMPARK_NOTIFY", {})}


def _site() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def claim(*, owner: str, limit: int) -> list[int]:
    """Claim up to `limit` due deliveries for `owner` (a lease of LEASE_SECONDS)."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=int(conf()["LEASE_SECONDS"]))
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(status__in=DUE, next_attempt_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(id__in=ids).update(
                status=DeliveryStatus.SENDING, locked_by=owner, next_attempt_at=lease
            )
    return ids


def _mine(delivery_id: int, owner: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(id=delivery_id, locked_by=owner, status=DeliveryStatus.SENDING)


def _finish(delivery_id: int, owner: str, **fields: Any) -> None:
    _mine(delivery_id, owner).update(locked_by="", **fields)


def user_quiet_until(profile: Profile, at: dt.datetime) -> dt.datetime | None:
    """End of the user's own quiet hours (IST) if `at` falls inside them."""
    start, end = profile.quiet_start, profile.quiet_end
    if start == end:
        return None
    local = at.astimezone(IST)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end), tzinfo=IST).astimezone(dt.UTC)


@dataclass(frozen=True)
class Hold:
    reason: str
    until: dt.datetime | None = None


def _address(row: Delivery) -> str:
    user = row.notification.user
    person = user.person
    if row.channel == Channel.EMAIL:
        return user.email or (person.email if person else "")
    if person is None:
        return ""
    if row.channel == Channel.PUSH:
        sub = content_selectors.push_subscription_of(person_id=person.id)
        if sub is None:
            return ""
        return json.dumps(
            {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        )
    if row.channel == Channel.TELEGRAM:
        pref = content_selectors.preference_of(person_id=person.id)
        return pref.telegram_chat_id if pref else ""
    return person.phone


def verdict_for(row: Delivery, *, at: dt.datetime) -> Hold | None:
    """Why this delivery may not leave now (None: it may). Pages pass quiet hours."""
    notification = row.notification
    user = notification.user
    if user.person_id is None:
        return Hold(HoldReason.NO_ADDRESS)
    recipient = rules_selectors.recipients(person_ids=[user.person_id]).get(user.person_id)
    if recipient is None:
        return Hold(HoldReason.NO_ADDRESS)
    verdict = rules_selectors.check(
        recipient=recipient, channel=row.channel, purpose=PURPOSE, at=at
    )
    if not verdict.go and not (notification.is_page and verdict.reason == HoldReason.QUIET_HOURS):
        return Hold(verdict.reason, verdict.until)
    if not notification.is_page:
        profile = Profile.objects.filter(user=user).first() or Profile(user=user)
        until = user_quiet_until(profile, at)
        if until is not None:
            return Hold(HoldReason.QUIET_HOURS, until)
    return None


def message_of(row: Delivery, address: str) -> Outbound:
    n = row.notification
    url = _site() + n.url if n.url.startswith("/") else n.url
    template = str(conf()["SMS_TEMPLATE_ID"]) if row.channel == Channel.SMS else ""
    return Outbound(
        channel=row.channel,
        address=address,
        idempotency_key=row.idempotency_key,
        title=n.title,
        text=n.body or n.title,
        url=url,
        template_id=template,
        variables=(n.title[:30], url) if template else (),
    )


def send_one(row: Delivery, *, owner: str) -> str:
    """Send one claimed delivery and record what happened; returns the new status."""
    hold = verdict_for(row, at=timezone.now())
    if hold is not None:
        if hold.reason in WAITING_REASONS and hold.until is not None:
            _finish(
                row.id,
                owner,
                status=DeliveryStatus.HELD,
                hold_reason=hold.reason,
                next_attempt_at=hold.until,
            )
            return DeliveryStatus.HELD
        _finish(row.id, owner, status=DeliveryStatus.CANCELLED, hold_reason=hold.reason)
        return DeliveryStatus.CANCELLED
    address = _address(row)
    if not address or (row.channel == Channel.SMS and not conf()["SMS_TEMPLATE_ID"]):
        reason = HoldReason.NO_ADDRESS if not address else HoldReason.NO_TEMPLATE
        _finish(row.id, owner, status=DeliveryStatus.CANCELLED, hold_reason=reason)
        return DeliveryStatus.CANCELLED
    try:
        sent: Sent = get_channel(row.channel).send(message_of(row, address))
    except (ConnectorError, ValueError) as exc:
        return _failed(row, owner, exc)
    _finish(
        row.id,
        owner,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        provider_id=sent.provider_id[:100],
        hold_reason="",
        last_error="",
    )
    return DeliveryStatus.SENT


def _failed(row: Delivery, owner: str, exc: Exception) -> str:
    attempts = row.attempts + 1
    final = isinstance(exc, (PermanentError, ValueError)) or attempts >= int(conf()["MAX_ATTEMPTS"])
    delay = min(2.0**attempts, 900.0)
    if isinstance(exc, RateLimited):
        attempts, final, delay = row.attempts, False, max(exc.retry_after, 1.0)
    logger.warning("notification not sent: %s", exc, extra={"delivery_id": row.id})
    status = DeliveryStatus.DEAD if final else DeliveryStatus.QUEUED
    _finish(
        row.id,
        owner,
        status=status,
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    return status


def send_batch(*, owner: str) -> int:
    """Claim and send one batch; what is not sent when the worker is stopping goes back."""
    ids = claim(owner=owner, limit=int(conf()["BATCH"]))
    if not ids:
        return 0
    rows = list(
        Delivery.objects.filter(id__in=ids, locked_by=owner)
        .select_related("notification__user__person")
        .order_by("id")
    )
    for index, row in enumerate(rows):
        if shutdown_requested():
            Delivery.objects.filter(
                id__in=[r.id for r in rows[index:]], locked_by=owner, status=DeliveryStatus.SENDING
            ).update(status=DeliveryStatus.QUEUED, locked_by="", next_attempt_at=timezone.now())
            break
        send_one(row, owner=owner)
    return len(rows)


def report_record(report: Report) -> int:
    """Apply an SMS delivery report (MSG91's webhook) to the notification it is about, found by
    the provider's id; how many deliveries it changed. Only a SENT delivery changes, so a
    repeated report changes nothing; a pending one changes nothing either."""
    if not report.request_id or report.status == "pending":
        return 0
    rows = Delivery.objects.filter(
        provider_id=report.request_id, channel=Channel.SMS, status=DeliveryStatus.SENT
    )
    if report.status == "delivered":
        return rows.update(
            status=DeliveryStatus.DELIVERED, delivered_at=report.at or timezone.now()
        )
    return rows.update(status=DeliveryStatus.DEAD, last_error=f"MSG91: {report.description}"[:300])
