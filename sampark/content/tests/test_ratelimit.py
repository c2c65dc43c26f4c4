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
def test_a_bucket_lets_the_burst_through_then_the_rate(kind: str) -> None:
    # given a bucket of 20 tokens a second with a burst of 3
    bucket = _bucket(kind, rate=20.0, burst=3)
    # then three tokens are there at once and the fourth must wait about 1/20 s
    assert [bucket.try_take() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.try_take()
    assert 0.0 < wait <= 0.06
    # and after waiting, a token is there again
    time.sleep(wait + 0.01)
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
