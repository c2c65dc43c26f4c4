"""Token buckets shared by sender processes: in the database, and in Redis when configured.

Both buckets read `time.time()`, so the tests run on time-machine's clock, standing still
unless a test moves it: the figures are exact whatever the machine is doing (issue #11).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from sampark.content import ratelimit

START = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


def _bucket(kind: str, rate: float, burst: int) -> ratelimit.Bucket:
    name = f"test-{uuid.uuid4().hex[:8]}"
    if kind == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        return ratelimit.RedisBucket(name, rate=rate, burst=burst, url="redis://127.0.0.1:6379/15")
    return ratelimit.DatabaseBucket(name, rate=rate, burst=burst)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["database", "redis"])
def test_a_bucket_lets_the_burst_through_then_spaces_callers_at_the_rate(kind: str) -> None:
    with time_machine.travel(START, tick=False) as clock:
        # given a bucket of 20 tokens a second with a burst of 3
        bucket = _bucket(kind, rate=20.0, burst=3)
        # then three tokens are there at once
        assert [bucket.try_take() for _ in range(3)] == [0.0, 0.0, 0.0]
        # and the next callers get reserved slots 1/20 s apart
        waits = [bucket.try_take() for _ in range(3)]
        assert waits[0] == pytest.approx(0.05, abs=0.01)
        assert waits[1] == pytest.approx(0.10, abs=0.01)
        assert waits[2] == pytest.approx(0.15, abs=0.01)
        # and once the debt is paid off and the bucket refilled, a token is there at once
        clock.shift(0.15 + 3 / 20 + 0.02)
        assert bucket.try_take() == 0.0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["database", "redis"])
def test_acquire_holds_the_rate(kind: str) -> None:
    with time_machine.travel(START, tick=False) as clock:
        # given a bucket of 50 a second with a burst of one, and a sleep that moves the clock
        bucket = _bucket(kind, rate=50.0, burst=1)
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            clock.shift(seconds)

        # when 26 tokens are taken one after another
        for _ in range(26):
            ratelimit.acquire(bucket, sleep=sleep)
        elapsed = sum(slept)
        # then it took at least 25 intervals of 1/50 s (the first token was there at once)
        assert elapsed >= 25 / 50 * 0.95
        # and each caller after the first waited one interval, no more (Redis rounds up to
        # the millisecond; a float clock near 1.8e9 s carries a few 1e-7 s of noise)
        assert slept == pytest.approx([1 / 50] * 25, abs=2e-3)
