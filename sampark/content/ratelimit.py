"""Token buckets shared by every sender process: in the database by default, Redis when set.

A bucket of `rate` tokens per second holding at most `burst` tokens lets through at most
`burst + rate × T` messages in any window of T seconds, so a small burst keeps every one-second
window within a few per cent of the configured rate. Tokens are taken one at a time, right
before each send.
"""

from __future__ import annotations

import time
from typing import Protocol

from django.conf import settings
from django.db import transaction

from sampark.content.models import TokenBucket

# Atomic refill-and-take in Redis: KEYS[1] bucket; ARGV rate, burst, now. Returns 1 when taken
# and the milliseconds to wait otherwise (negative).
_LUA = """
local data = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(data[1]) or burst
local at = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= 1 then tokens = tokens - 1 taken = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
if taken == 1 then return 1 end
return -math.ceil((1 - tokens) / rate * 1000)
"""


class Bucket(Protocol):
    def try_take(self) -> float:
        """Take one token; return 0 when taken, else seconds to wait before trying again."""
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
            tokens = min(self.burst, row.tokens + max(0.0, now - row.refilled_at) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            TokenBucket.objects.filter(name=self.name).update(tokens=tokens, refilled_at=now)
        return wait


class RedisBucket:
    def __init__(self, name: str, *, rate: float, burst: int, url: str) -> None:
        import redis

        self.name, self.rate, self.burst = f"sampark:bucket:{name}", rate, max(1, burst)
        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_LUA)

    def try_take(self) -> float:
        answer = int(self.script(keys=[self.name], args=[self.rate, self.burst, time.time()]))
        return 0.0 if answer == 1 else -answer / 1000


def bucket(name: str, *, rate: float, burst: int) -> Bucket:
    """The bucket for one channel account, where the deployment keeps rate limits."""
    url = str(getattr(settings, "REDIS_URL", "") or "")
    if url:
        return RedisBucket(name, rate=rate, burst=burst, url=url)
    return DatabaseBucket(name, rate=rate, burst=burst)


def acquire(b: Bucket) -> None:
    """Block until a token is taken."""
    while True:
        wait = b.try_take()
        if wait <= 0:
            return
        time.sleep(min(wait, 0.5))
