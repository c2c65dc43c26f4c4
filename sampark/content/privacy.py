"""What the outbox holds about a person, for their download, erasure and retention
(people.privacy). The outbox stores no address: senders read the person's phone at send time.
What can quote an address later is a provider's error text and id, and a browser's push
endpoint; those are what retention clears."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q

from sampark.content.models import ChannelPreference, Delivery, PushSubscription
from sampark.people.privacy import Subject, scrub_text_column

BATCH = 1000


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Channel preference, push subscriptions and the messages sent to the person."""
    pid = subject.person_id
    if pid is None:
        return {}
    return {
        "channel_preference": [
            {"channel": c}
            for c in ChannelPreference.objects.filter(person_id=pid).values_list(
                "channel", flat=True
            )
        ],
        "push_subscriptions": [
            {"user_agent": s.user_agent, "created_at": s.created_at.isoformat()}
            for s in PushSubscription.objects.filter(person_id=pid).order_by("id")
        ],
        "deliveries": [
            {
                "distribution": d["distribution_id"],
                "channel": d["channel"],
                "status": d["status"],
                "sent_at": d["sent_at"].isoformat() if d["sent_at"] else None,
            }
            for d in Delivery.objects.filter(person_id=pid)
            .order_by("id")
            .values("distribution_id", "channel", "status", "sent_at")
        ],
    }


def erase(subject: Subject) -> int:
    """The person's outbox rows, push subscriptions and channel preference deleted; provider
    errors that quote their number scrubbed."""
    pid = subject.person_id
    n = scrub_text_column(Delivery, "last_error", subject)
    if pid is None:
        return n
    n += Delivery.objects.filter(person_id=pid).delete()[0]
    n += PushSubscription.objects.filter(person_id=pid).delete()[0]
    n += ChannelPreference.objects.filter(person_id=pid).delete()[0]
    return n


def sweep(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Retention: provider error texts and ids of deliveries older than
    SAMPARK_RETENTION_DELIVERY_DAYS cleared, and dead push endpoints deleted. Idempotent."""
    days = int(settings.SAMPARK_RETENTION_DELIVERY_DAYS)
    if days <= 0:
        return 0
    before = now - dt.timedelta(days=days)
    old = Delivery.objects.filter(next_attempt_at__lt=before).filter(
        ~Q(last_error="") | ~Q(provider_id="")
    )
    ids = list(old.order_by("id").values_list("id", flat=True)[:batch])
    n = Delivery.objects.filter(id__in=ids).update(last_error="", provider_id="")
    dead = PushSubscription.objects.filter(gone_at__lt=before).order_by("id")
    n += PushSubscription.objects.filter(
        id__in=list(dead.values_list("id", flat=True)[:batch])
    ).delete()[0]
    return n
