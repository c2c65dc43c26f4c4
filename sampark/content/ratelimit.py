"""Token buckets shared by every sender process: in the database by default, Redis when set.

A bucket of `rate` tokens per second holding at most `burst` tokens lets through at most
`burst + rate × T` messages in any window of T seconds, so a small burst keeps every one-second
window within a few per cent of the configured rate. Tokens are reserved one at a time, right
before each send; a caller that finds none waits exactly until its reserved one is due.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.db import transaction

from sampark.content.models import TokenBucket

# Atomic refill-and-reserve in Redis: KEYS[1] bucket; ARGV rate, burst, now. Returns the
# milliseconds the caller must wait before its reserved token is due (0: at once).
_LUA = """
local data = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(data[1]) or burst
local at = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
if tokens >= 0 then return 0 end
return math.ceil(-tokens / rate * 1000)
"""


class Bucket(Protocol):
    def try_take(self) -> float:
        """Reserve the next token; return 0 when it is due now, else the seconds until it is.

        A reservation is a debt (the bucket goes below zero), so callers in any number of
        processes are spaced exactly 1/rate apart instead of racing for each new token.
        """
        ...


class DatabaseBucket:
    def __init__(self, name: str, *, rate: float, burst: int) -> None:
        self.name, self.rate, self.burst = name, rate, max(1, burst)

    def try_take(self) -> float:
        with transaction.atomic():
            row, _created = TokenBucket.objects.select_for_update().get_or_create(
                name=self.name, defaults={"tokens": float(self.burst), "refilled_at": time.time()}
            )
            now = time.time()
            tokens = min(self.burst, row.tokens + max(0.0, now - row.refilled_at) * self.rate) - 1
            TokenBucket.objects.filter(name=self.name).update(tokens=tokens, refilled_at=now)
        return 0.0 if tokens >= 0 else -tokens / self.rate


class RedisBucket:
    def __init__(self, name: str, *, rate: float, burst: int, url: str) -> None:
        import redis

        self.name, self.rate, self.burst = f"sampark:bucket:{name}", rate, max(1, burst)
        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_LUA)

    def try_take(self) -> float:
        return int(self.script(keys=[self.name], args=[self.rate, self.burst, time.time()])) / 1000


def bucket(name: str, *, rate: float, burst: int) -> Bucket:
    """The bucket for one channel account, where the deployment keeps rate limits."""
    url = str(getattr(settings, "REDIS_URL", "") or "")
    if url:
        return RedisBucket(name, rate=rate, burst=burst, url=url)
    return DatabaseBucket(name, rate=rate, burst=burst)


def acquire(b: Bucket, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Block until this caller's token is due (`sleep` is replaced in tests by a clock's)."""
    wait = b.try_take()
    if wait > 0:
        sleep(wait)
