"""Fixed-window counters in Redis: iHome's one mechanism for request limits.

A window starts with the first hit and lasts ``window`` seconds (the key's TTL), so a limit lifts
by itself and Redis never keeps stale counters. Each operation is one Lua script, so it is atomic:
forty requests at once get the counts 1..40, never the same count twice, and no operation can leave
a counter without an expiry (a plain ``DECR`` or ``INCR`` on a key that expired a moment ago would
recreate it for ever).
"""

from __future__ import annotations

from typing import Any

from ihome.core.errors import RateLimited
from ihome.core.redis_client import get_redis

# KEYS[1]: the counter; ARGV[1]: the window. Returns {count, seconds left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

# KEYS[1]: the counter. Takes one event back only while the window is open.
_UNDO = """
if redis.call('TTL', KEYS[1]) > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


def hit(key: str, *, window: int) -> tuple[int, int]:
    """Count one more event; returns (events in the window, seconds until the window ends)."""
    count, ttl = get_redis().eval(_HIT, 1, key, int(window))
    return int(count), max(int(ttl), 1)


def enforce(key: str, *, limit: int, window: int, message: Any) -> None:
    """Count one request against ``limit`` per ``window`` seconds; ``RateLimited`` (429/4201) beyond it."""
    count, retry_after = hit(key, window=window)
    if count > limit:
        raise RateLimited(message, retry_after=retry_after)


def undo(key: str) -> None:
    """Take back one event (a request refused by a later check must not use up the quota)."""
    get_redis().eval(_UNDO, 1, key)


def peek(key: str) -> tuple[int, int]:
    """(events in the window, seconds until it ends), without counting."""
    pipe = get_redis().pipeline()
    pipe.get(key)
    pipe.ttl(key)
    raw, ttl = pipe.execute()
    return int(raw or 0), max(int(ttl), 1)


def clear(key: str) -> None:
    """End the window now."""
    get_redis().delete(key)
