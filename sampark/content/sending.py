"""The sender: claims due deliveries per channel, checks the rules, sends, records.

Shape of `core.tasks` (D4): a claim is a lease (`next_attempt_at` holds its expiry while a row
is SENDING, so an expired claim is simply due again) taken with SKIP LOCKED on PostgreSQL and
under SQLite's single writer. Every send carries the delivery's idempotency key and every
result is recorded only while the claim is still ours; a worker killed between sending and
recording leaves the row to be claimed again and re-sent with the same key, which a provider
that honours keys accepts once.

The rules are checked right before each message leaves, with the actual clock, after waiting
for the rate limit's token (`gates.Gatekeeper`, over `sampark.rules`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sampark.content import event_messages, gates, invitations, ratelimit
from sampark.content.enums import (
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
)
from sampark.content.models import (
    ChannelPreference,
    Delivery,
    Distribution,
    DltTemplate,
    PushSubscription,
    idempotency_key,
    parse_idempotency_key,
)
from sampark.core.worker import shutdown_requested
from sampark.integrations.base import ConnectorError, RateLimited
from sampark.integrations.channels import (
    AddressGone,
    Outbound,
    PermanentError,
    Sent,
    channel_settings,
    get_channel,
)
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import WAITING_REASONS, HoldReason

logger = logging.getLogger(__name__)

ACTIVE = [DeliveryStatus.QUEUED, DeliveryStatus.HELD, DeliveryStatus.SENDING]


def conf() -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "CHANNELS": [c.value for c in Channel],
        "BATCH": 50,
        "LEASE_SECONDS": 60,
        "MAX_ATTEMPTS": 8,
        "RATE_LIMIT": True,
        # The buckets run this much below the provider's rate, so network jitter bunching a few
        # messages together never pushes a one-second window over it.
        "HEADROOM": 0.97,
    }
    return {**defaults, **getattr(settings, "SAMPARK_SENDER", {})}


def claim(*, channel: str, owner: str, limit: int) -> list[int]:
    """Claim up to `limit` due deliveries of one channel for `owner` (a lease)."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=int(conf()["LEASE_SECONDS"]))
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(channel=channel, status__in=ACTIVE, next_attempt_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(id__in=ids).update(
                status=DeliveryStatus.SENDING,
                locked_by=owner,
                next_attempt_at=lease,
            )
    return ids


def release(*, ids: list[int], owner: str) -> int:
    """Give back claimed deliveries not sent yet (the worker is stopping); due at once."""
    return Delivery.objects.filter(
        id__in=ids, locked_by=owner, status=DeliveryStatus.SENDING
    ).update(status=DeliveryStatus.QUEUED, locked_by="", next_attempt_at=timezone.now())


def _mine(delivery_id: int, owner: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(id=delivery_id, locked_by=owner, status=DeliveryStatus.SENDING)


def _record_sent(delivery_id: int, owner: str, sent: Sent) -> bool:
    return (
        _mine(delivery_id, owner).update(
            status=DeliveryStatus.SENT,
            sent_at=timezone.now(),
            provider_id=sent.provider_id[:100],
            hold_reason="",
            last_error="",
            locked_by="",
        )
        == 1
    )


def _record_verdict(delivery_id: int, owner: str, verdict: rules_selectors.Verdict) -> None:
    if verdict.reason in WAITING_REASONS:
        # Held until the window ends; checked again then.
        _mine(delivery_id, owner).update(
            status=DeliveryStatus.HELD,
            hold_reason=verdict.reason,
            next_attempt_at=verdict.until,
            locked_by="",
        )
    else:
        _mine(delivery_id, owner).update(
            status=DeliveryStatus.CANCELLED,
            hold_reason=verdict.reason,
            locked_by="",
        )


def _record_failure(row: Delivery, owner: str, exc: Exception) -> None:
    attempts = row.attempts + 1
    final = isinstance(exc, PermanentError) or attempts >= int(conf()["MAX_ATTEMPTS"])
    if isinstance(exc, RateLimited):
        # The provider's pushback is not the message's fault: no attempt is spent.
        attempts, final = row.attempts, False
        delay = max(exc.retry_after, 1.0)
    else:
        delay = min(2.0**attempts, 900.0)
    _mine(row.id, owner).update(
        status=DeliveryStatus.DEAD if final else DeliveryStatus.QUEUED,
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        locked_by="",
    )


@dataclass
class Prepared:
    """One claimed delivery with what sending it needs."""

    row: Delivery
    recipient: gates.Recipient
    message: Outbound | None  # None: nothing to call (the app inbox) or no address
    missing: str = ""  # a final reason found while preparing (no address, no template)


def _site() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def kit_url(delivery_id: int) -> str:
    return _site() + reverse("app:kit", kwargs={"delivery_id": delivery_id})


def short_url(delivery_id: int) -> str:
    """For SMS, where a DLT variable holds at most 30 characters."""
    return _site() + reverse("short_link", kwargs={"delivery_id": delivery_id})


def _texts(row: Delivery, language: str) -> tuple[str, str]:
    item = row.distribution.item
    if row.distribution.kind == DistributionKind.RECALL:
        if language == "en":
            title = f"Withdrawn: {item.title}"
            text = f"{item.recall_reason}\nDo not forward it; delete it from your groups."
        else:
            title = f"वापस लिया गया: {item.title}"
            text = f"{item.recall_reason}\nइसे आगे न भेजें; अपने समूहों से हटा दें।"
        return title, text
    return item.title, item.text_for(language)


def _url(row: Delivery) -> str:
    kind = row.distribution.kind
    if kind == DistributionKind.INVITE:
        return invitations.login_url()
    # An event's invitation or notice points at its registration page (issue #14).
    if kind in (DistributionKind.EVENT, DistributionKind.NOTICE) and row.distribution.link:
        return row.distribution.link
    return kit_url(row.id)


def _named_template(kind: str) -> str:
    """The MSG91 entry named by a setting, for the kinds that have one (the sign-in
    invitation's, an event's), else "" (a kit's SMS uses its DLT template row)."""
    if kind == DistributionKind.INVITE:
        return invitations.sms_template()
    if kind in (DistributionKind.EVENT, DistributionKind.NOTICE):
        return event_messages.sms_template(kind)
    return ""


def prepare(rows: list[Delivery]) -> list[Prepared]:
    """Addresses, texts and gate facts for a batch, in a handful of queries."""
    person_ids = [r.person_id for r in rows]
    prefs = {p.person_id: p for p in ChannelPreference.objects.filter(person_id__in=person_ids)}
    subs: dict[int, PushSubscription] = {}
    for sub in PushSubscription.objects.filter(
        person_id__in=person_ids, gone_at__isnull=True
    ).order_by("created_at"):
        subs[sub.person_id] = sub  # the newest wins
    templates = {
        (t.use, t.language): t for t in DltTemplate.objects.filter(active=True).order_by("-id")
    }
    out: list[Prepared] = []
    for row in rows:
        person = row.person
        pref = prefs.get(person.id)
        language = pref.language if pref else "hi"
        recipient = gates.Recipient(
            person_id=person.id,
            channel=row.channel,
            phone=person.phone,
            date_of_birth=person.date_of_birth,
            ac_id=row.ac_id_at,
            pc_id=row.pc_id_at,
        )
        title, text = _texts(row, language)
        key = idempotency_key(row.distribution_id, person.id)

        url = _url(row)
        named = _named_template(row.distribution.kind)
        make = functools.partial(Outbound, idempotency_key=key, title=title, url=url)
        message: Outbound | None = None
        missing = ""
        if row.channel == Channel.PUSH:
            found = subs.get(person.id)
            if found is not None:
                address = json.dumps(
                    {
                        "endpoint": found.endpoint,
                        "keys": {"p256dh": found.p256dh, "auth": found.auth},
                    }
                )
                message = make(channel="push", address=address, text=text)
        elif row.channel == Channel.TELEGRAM:
            chat = pref.telegram_chat_id if pref else ""
            if chat:
                message = make(channel="telegram", address=chat, text=text)
            else:
                missing = HoldReason.NO_ADDRESS
        elif row.channel == Channel.EMAIL:
            if person.email:
                message = make(channel="email", address=person.email, text=text)
            else:
                missing = HoldReason.NO_ADDRESS
        elif row.channel == Channel.SMS and named:
            # MSG91's named entries (issues #13, #14): the unit's or event's name, the link.
            message = make(
                channel="sms",
                address=person.phone,
                text=text,
                template_id=named,
                variables=(row.distribution.item.title[:30], url),
            )
        elif row.channel == Channel.SMS:
            template = templates.get((row.distribution.kind, language)) or templates.get(
                (row.distribution.kind, "hi")
            )
            if template is None:
                missing = HoldReason.NO_TEMPLATE
            else:
                message = make(
                    channel="sms",
                    address=person.phone,
                    text=template.body,
                    template_id=template.template_id,
                    variables=(row.distribution.item.title[:30], short_url(row.id)),
                )
        out.append(Prepared(row=row, recipient=recipient, message=message, missing=missing))
    return out


class Sender:
    """Sends batches for one process; one instance per worker."""

    def __init__(self, *, owner: str, channels: list[str] | None = None) -> None:
        self.owner = owner
        self.channels = channels or list(conf()["CHANNELS"])
        self.buckets: dict[str, ratelimit.Bucket] = {}
        self.calendar: rules_selectors.Calendar | None = None
        self.calendar_at = 0.0
        self.finished_check_at = 0.0

    def _bucket(self, channel: str) -> ratelimit.Bucket | None:
        if not conf()["RATE_LIMIT"]:
            return None
        if channel not in self.buckets:
            c = channel_settings(channel)
            self.buckets[channel] = ratelimit.bucket(
                f"{channel}:{c.get('ACCOUNT', 'default')}",
                rate=c["RATE"] * float(conf()["HEADROOM"]),
                burst=c["BURST"],
            )
        return self.buckets[channel]

    def _calendar(self) -> rules_selectors.Calendar:
        # The calendar changes rarely; reload it every minute.
        if self.calendar is None or time.monotonic() - self.calendar_at > 60:
            self.calendar = rules_selectors.Calendar.load()
            self.calendar_at = time.monotonic()
        return self.calendar

    def step(self) -> int:
        done = 0
        for channel in self.channels:
            done += self.send_batch(channel=channel)
        if time.monotonic() - self.finished_check_at > 5:
            self.finished_check_at = time.monotonic()
            finish_distributions()
        return done

    def send_batch(self, *, channel: str) -> int:
        ids = claim(channel=channel, owner=self.owner, limit=int(conf()["BATCH"]))
        if not ids:
            return 0
        rows = list(
            Delivery.objects.filter(id__in=ids, locked_by=self.owner)
            .select_related("person", "distribution__item")
            .order_by("id")
        )
        prepared = prepare(rows)
        keepers: dict[int, gates.Gatekeeper] = {}
        now = timezone.now()
        for distribution_id in {p.row.distribution_id for p in prepared}:
            batch = [p for p in prepared if p.row.distribution_id == distribution_id]
            distribution = batch[0].row.distribution
            keepers[distribution_id] = gates.Gatekeeper.load(
                item=distribution.item,
                kind=distribution.kind,
                purpose=distribution.purpose,
                recipients=[p.recipient for p in batch],
                at=now,
                calendar=self._calendar(),
            )
        bucket = self._bucket(channel)
        for index, p in enumerate(prepared):
            if shutdown_requested():
                # Stopping (SIGTERM): what is not sent yet goes back now, not after the lease.
                release(ids=[q.row.id for q in prepared[index:]], owner=self.owner)
                break
            self._send_one(p, keepers[p.row.distribution_id], bucket)
        return len(rows)

    def _send_one(
        self, p: Prepared, keeper: gates.Gatekeeper, bucket: ratelimit.Bucket | None
    ) -> None:
        verdict = keeper.check(p.recipient, at=timezone.now())
        if verdict.go and p.missing:
            verdict = rules_selectors.Verdict(p.missing)
        if not verdict.go:
            _record_verdict(p.row.id, self.owner, verdict)
            return
        if p.message is None:
            # The volunteer app's inbox: the kit is there as soon as it is "sent".
            _record_sent(p.row.id, self.owner, Sent(provider_id="inbox"))
            return
        if bucket is not None:
            ratelimit.acquire(bucket)
            # The wait may have crossed into quiet hours or a silence period: ask again.
            verdict = keeper.check(p.recipient, at=timezone.now())
            if not verdict.go:
                _record_verdict(p.row.id, self.owner, verdict)
                return
        try:
            sent = get_channel(p.row.channel).send(p.message)
        except (ConnectorError, ValueError) as exc:
            if isinstance(exc, ValueError):
                exc = PermanentError(str(exc))
            logger.warning("send failed: %s", exc, extra={"delivery_id": p.row.id})
            if isinstance(exc, PermanentError) and p.row.channel == Channel.PUSH:
                # The kit is in the app's inbox whatever happens to the notification; a
                # subscription the push service says is gone is not used again.
                _push_gone(p.message, exc)
                _record_sent(p.row.id, self.owner, Sent(provider_id="inbox"))
                return
            _record_failure(p.row, self.owner, exc)
            return
        _record_sent(p.row.id, self.owner, sent)


def _push_gone(message: Outbound, exc: Exception) -> None:
    if not isinstance(exc, AddressGone):
        return
    try:
        endpoint = json.loads(message.address)["endpoint"]
    except (ValueError, KeyError, TypeError):
        return
    PushSubscription.objects.filter(endpoint=endpoint, gone_at__isnull=True).update(
        gone_at=timezone.now()
    )


def finish_distributions() -> int:
    """Mark distributions with nothing left to send as done."""
    pending = Delivery.objects.filter(status__in=ACTIVE)
    finished = 0
    for distribution in Distribution.objects.filter(status=DistributionStatus.SENDING):
        if not pending.filter(distribution=distribution).exists():
            finished += Distribution.objects.filter(
                id=distribution.id, status=DistributionStatus.SENDING
            ).update(status=DistributionStatus.DONE, finished_at=timezone.now())
    return finished


def receipt_record(*, key: str, status: str, at: dt.datetime) -> bool:
    """Apply a provider's delivery receipt (found by idempotency key); False when unknown."""
    parsed = parse_idempotency_key(key)
    if parsed is None:
        return False
    distribution_id, person_id = parsed
    rows = Delivery.objects.filter(distribution_id=distribution_id, person_id=person_id)
    if status == "delivered":
        return (
            rows.filter(status=DeliveryStatus.SENT).update(
                status=DeliveryStatus.DELIVERED, delivered_at=at
            )
            == 1
        )
    return (
        rows.filter(status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.DEAD, last_error="provider reported the message failed"
        )
        == 1
    )


def receipt_record_by_provider(*, provider_id: str, status: str, at: dt.datetime | None) -> int:
    """Apply a delivery report found by the provider's id of the message (MSG91's request id,
    issue #13); how many deliveries it changed. A pending report changes nothing."""
    rows = Delivery.objects.filter(provider_id=provider_id, status=DeliveryStatus.SENT)
    if not provider_id or status == "pending":
        return 0
    if status == "delivered":
        return rows.update(status=DeliveryStatus.DELIVERED, delivered_at=at or timezone.now())
    return rows.update(
        status=DeliveryStatus.DEAD, last_error="provider reported the message failed"
    )
