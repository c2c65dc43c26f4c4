"""Scheduled sources: claim the ones that are due, fetch through their connector, ingest.

A source is claimed under a lease (`locked_until`), so two workers never poll the same feed at
once and a crashed poll is retried when the lease ends. The cursor moves only in the same
transaction that stores the posts, so a crash between fetch and store fetches again (and the
unique external id makes the second store a no-op).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import sampark.integrations.base as connectors
from sampark.monitoring import services
from sampark.monitoring.enums import POLLED_KINDS
from sampark.monitoring.models import Source

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


def sources_claim(*, limit: int = 5) -> list[Source]:
    """Claim due, enabled, polled sources (conditional update: one worker per source)."""
    now = timezone.now()
    due = (
        Source.objects.filter(enabled=True, kind__in=POLLED_KINDS, next_poll_at__lte=now)
        .filter(Q(locked_until=None) | Q(locked_until__lt=now))
        .order_by("next_poll_at")
    )
    claimed: list[Source] = []
    for source in due[: limit * 2]:
        won = (
            Source.objects.filter(id=source.id)
            .filter(Q(locked_until=None) | Q(locked_until__lt=now))
            .update(locked_until=now + LEASE)
        )
        if won:
            claimed.append(source)
        if len(claimed) >= limit:
            break
    return claimed


def source_poll(source: Source) -> int:
    """Fetch new items of one claimed source; returns how many new posts were stored."""
    now = timezone.now()
    try:
        connector = connectors.get(source.kind)
        result = connector.fetch(config=source.config, cursor=dict(source.cursor))
    except connectors.RateLimited as exc:
        Source.objects.filter(id=source.id).update(
            locked_until=None,
            last_polled_at=now,
            last_error=f"rate limited: retry in {int(exc.retry_after)} s",
            next_poll_at=now + timedelta(seconds=max(exc.retry_after, 1.0)),
        )
        return 0
    except Exception as exc:
        failures = source.failures + 1
        delay = connectors.next_delay(failures)
        logger.warning("poll of source %s failed: %s", source.id, exc)
        Source.objects.filter(id=source.id).update(
            locked_until=None,
            last_polled_at=now,
            failures=failures,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_poll_at=now + timedelta(seconds=delay),
        )
        return 0
    with transaction.atomic():
        report = services.posts_ingest(source=source, posts=result.posts)
        wait = result.retry_after if result.retry_after is not None else source.interval_s
        if not result.exhausted and result.retry_after is None:
            wait = 1  # more pages are waiting: come back soon
        Source.objects.filter(id=source.id).update(
            cursor=result.cursor,
            locked_until=None,
            failures=0,
            last_error="",
            last_polled_at=now,
            last_ok_at=now,
            next_poll_at=now + timedelta(seconds=wait),
        )
    return report.new


def poll_due(*, limit: int = 5) -> int:
    """One worker step: poll the sources that are due."""
    done = 0
    for source in sources_claim(limit=limit):
        done += 1
        source_poll(source)
    return done
