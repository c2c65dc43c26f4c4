"""Refusing replayed webhook requests (issue #12).

A signed request carries the time it was sent, inside its signature. The receiver accepts it
only within a window around its own clock, and only once: the digest of each accepted
signature is stored for the window (`WebhookSeen`), and the database's unique constraint
refuses the second copy, even when two web processes receive both copies at the same time.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from sampark.core.models import WebhookSeen


def fresh(*, timestamp: int, window: dt.timedelta) -> bool:
    """Whether a request sent at `timestamp` (Unix seconds) lies within `window` of now."""
    now = timezone.now().timestamp()
    return abs(now - timestamp) <= window.total_seconds()


def first_time(*, signature: str, window: dt.timedelta) -> bool:
    """Record a verified request's signature; False when it was seen before (a replay).

    Rows older than twice the window are dropped on the way: a request that old is refused by
    `fresh` before it gets here.
    """
    key = hashlib.sha256(signature.strip().encode()).hexdigest()
    now = timezone.now()
    WebhookSeen.objects.filter(seen_at__lt=now - 2 * window).delete()
    try:
        with transaction.atomic():
            WebhookSeen.objects.create(key=key, seen_at=now)
    except IntegrityError:
        return False
    return True
