"""Scheduled sources: cursor moves with the stored posts, rate limits and failures back off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from pipeline.types import FetchResult, Platform, RawPost
from sampark.integrations import base as connectors
from sampark.integrations.tests.fakes import FakeServer, Reply
from sampark.monitoring import polling
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post, Source


class FakeConnector:
    kind = "rss"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.next: Exception | FetchResult | None = None

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult:
        self.calls.append(dict(cursor))
        outcome = self.next
        if isinstance(outcome, Exception):
            raise outcome
        assert outcome is not None
        return outcome


@pytest.fixture
def fake(monkeypatch):
    connector = FakeConnector()
    monkeypatch.setattr(connectors, "get", lambda kind: connector)
    return connector


@pytest.fixture
def feed(db):
    return Source.objects.create(
        kind=SourceKind.RSS, name="news", config={"url": "http://127.0.0.1:9/feed"}, interval_s=600
    )


def post(n: int) -> RawPost:
    return RawPost(Platform.NEWS, f"e{n}", f"ख़बर {n}", timezone.now())


# Tests that read when the next poll falls stand the clock still (time-machine), so the
# figures are exact however long the machine takes between two lines (issue #11).


def test_a_poll_stores_new_posts_and_moves_the_cursor(fake, feed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fake.next = FetchResult(posts=[post(1), post(2)], cursor={"seen": ["e1", "e2"]})
    assert polling.poll_due() == 1
    feed.refresh_from_db()
    assert feed.cursor == {"seen": ["e1", "e2"]}
    assert Post.objects.count() == 2
    assert feed.posts_total == 2
    assert feed.next_poll_at == timezone.now() + timedelta(seconds=600)
    # not due again until its interval has passed
    assert polling.poll_due() == 0
    # when due, it is called with the stored cursor, and repeats add nothing
    Source.objects.update(next_poll_at=timezone.now())
    fake.next = FetchResult(posts=[post(2), post(3)], cursor={"seen": ["e3"]})
    polling.poll_due()
    assert fake.calls[-1] == {"seen": ["e1", "e2"]}
    assert Post.objects.count() == 3


def test_a_rate_limit_waits_as_long_as_asked(fake, feed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fake.next = connectors.RateLimited("slow down", retry_after=900)
    polling.poll_due()
    feed.refresh_from_db()
    assert "rate limited" in feed.last_error
    assert feed.failures == 0
    wait = (feed.next_poll_at - timezone.now()).total_seconds()
    assert wait == 900


def test_failures_back_off_and_keep_the_cursor(fake, feed, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    Source.objects.update(cursor={"seen": ["old"]})
    fake.next = connectors.ConnectorError("http://127.0.0.1:9/feed answered 500: oops")
    polling.poll_due()
    feed.refresh_from_db()
    assert feed.failures == 1
    assert "answered 500" in feed.last_error
    assert feed.cursor == {"seen": ["old"]}
    assert feed.next_poll_at > timezone.now()
    assert feed.locked_until is None


def test_a_source_is_polled_by_one_worker_at_a_time(fake, feed):
    first = polling.sources_claim()
    second = polling.sources_claim()
    assert [s.id for s in first] == [feed.id]
    assert second == []


def test_paused_and_unpolled_sources_are_left_alone(fake, feed, db):
    Source.objects.update(enabled=False)
    Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="group")
    assert polling.poll_due() == 0
    assert fake.calls == []


def test_a_feed_at_a_private_address_is_refused_at_fetch_time(db):
    # given a feed that points at loopback (saved before, or its name moved inside since)
    server = FakeServer().start()
    try:
        server.add("/feed", Reply(200, b"<rss/>"))
        source = Source.objects.create(
            kind=SourceKind.RSS, name="news", config={"url": server.url + "/feed"}
        )
        # when the worker (its messages in English here) polls it with the real connector
        with translation.override("en"):
            polling.poll_due()
        # then nothing was requested, nothing stored, and the source shows why
        assert server.requests == []
    finally:
        server.stop()
    source.refresh_from_db()
    assert "127.0.0.1 is not a public address" in source.last_error
    assert source.failures == 1
    assert Post.objects.count() == 0


def test_next_delay_grows_and_is_capped():
    import random

    rng = random.Random(1)
    delays = [connectors.next_delay(n, base=60, cap=600, rng=rng) for n in range(1, 12)]
    assert all(30 <= d <= 600 for d in delays)
    assert max(delays[6:]) > max(delays[:2])
