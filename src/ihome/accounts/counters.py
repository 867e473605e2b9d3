"""Fixed-window counters in Redis: the limits on captchas, SMS codes and failed logins.

A window starts with the first hit and lasts ``window`` seconds (the key's TTL), so a limit lifts
by itself and Redis never keeps stale counters.
"""

from __future__ import annotations

from ihome.core.redis_client import get_redis


def hit(key: str, *, window: int) -> tuple[int, int]:
    """Count one more event; returns (events in the window, seconds until the window ends)."""
    pipe = get_redis().pipeline()
    pipe.set(key, 0, ex=window, nx=True)  # opens the window; no-op while it is open
    pipe.incr(key)
    pipe.ttl(key)
    _, count, ttl = pipe.execute()
    return int(count), max(int(ttl), 1)


def undo(key: str) -> None:
    """Take back one event (a request refused by a later check must not use up the quota)."""
    get_redis().decr(key)


def peek(key: str) -> tuple[int, int]:
    """(events in the window, seconds until it ends), without counting."""
    pipe = get_redis().pipeline()
    pipe.get(key)
    pipe.ttl(key)
    raw, ttl = pipe.execute()
    return int(raw or 0), max(int(ttl), 1)


def clear(key: str) -> None:
    get_redis().delete(key)
