"""Token buckets shared by sender processes: in the database, and in Redis when configured."""

from __future__ import annotations

import time
import uuid

import pytest

from sampark.content import ratelimit


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
    time.sleep(0.15 + 3 / 20 + 0.02)
    assert bucket.try_take() == 0.0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["database", "redis"])
def test_acquire_holds_the_rate(kind: str) -> None:
    # given a bucket of 50 a second with a burst of one
    bucket = _bucket(kind, rate=50.0, burst=1)
    # when 26 tokens are taken one after another
    started = time.monotonic()
    for _ in range(26):
        ratelimit.acquire(bucket)
    elapsed = time.monotonic() - started
    # then it took at least 25 intervals of 1/50 s (the first token was there at once)
    assert elapsed >= 25 / 50 * 0.95
