"""A read-through cache in Redis with versioned keys, which never serves stale data.

Each cached value's key embeds the current value of one or more *generation counters*
(``ihome:gen:<name>``). A change bumps the counters it affects (``bump``), so the very next read
builds a new key and misses; old entries simply expire. Nothing has to guess which keys to delete.

Redis being down degrades to uncached reads: ``cached`` then calls the loader directly.

Everything here lives in the cache Redis (``get_cache_redis``), never beside sessions and the task
queue: under ``ihome serve`` a server of its own with ``maxmemory`` and ``volatile-lru``. Values
always carry a TTL and generation counters never do, so eviction drops old values, never a
counter (a lost counter would restart at 0 and could reach a stale value again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ihome.core.redis_client import get_cache_redis

log = logging.getLogger(__name__)
T = TypeVar("T")
PREFIX = "ihome:cache:"
GEN_PREFIX = "ihome:gen:"
BUMPS = "ihome.cache_bumps"
# Down, or refusing a write (out of memory): either way the read goes to the loader.
REDIS_DOWN = (redis.exceptions.RedisError,)


# One round trip per read: the generations, the versioned key, and the value under it.
# KEYS: the generation counters; ARGV[1]: the base key; ARGV[2..]: the generation names.
# (A single-node or Sentinel Redis; on Redis Cluster the keys would need one hash slot.)
READ_SCRIPT = """
local key = ARGV[1]
for i, counter in ipairs(KEYS) do
  key = key .. '|' .. ARGV[i + 1] .. '=' .. (redis.call('GET', counter) or '0')
end
return {key, redis.call('GET', key)}
"""


def _read(key: str, names: list[str]) -> tuple[str, bytes | None]:
    """(the versioned key, its cached value or None), in one Redis round trip."""
    script = current_app.extensions.get("ihome.cache_read")
    if script is None:
        script = current_app.extensions["ihome.cache_read"] = get_cache_redis().register_script(READ_SCRIPT)
    result = script(keys=[GEN_PREFIX + n for n in names], args=[PREFIX + key, *names])
    full_key = result[0].decode() if isinstance(result[0], bytes) else result[0]
    return full_key, (result[1] if len(result) > 1 else None)


def cached(key: str, loader: Callable[[], T], *, generations: Iterable[str] = (), ttl: int | None = None) -> T:
    """The value under ``key`` at the current generations, computed by ``loader`` on a miss.

    ``loader`` must return JSON-serialisable data (the same shape it returns uncached).
    """
    names = list(generations)
    ttl = ttl or current_app.config["CACHE_TTL"]
    try:
        full_key, raw = _read(key, names)
        if raw is not None:
            return json.loads(raw)
    except REDIS_DOWN as exc:
        log.warning("cache unavailable, reading %s uncached: %s", key, exc)
        return loader()
    value = loader()
    try:
        get_cache_redis().set(full_key, json.dumps(value, ensure_ascii=False, default=str), ex=ttl)
    except REDIS_DOWN as exc:
        log.warning("cache unavailable, not storing %s: %s", key, exc)
    return value


def bump(*names: str) -> None:
    """Invalidate everything cached under these generations (call after the change commits).

    If Redis is down the bump is lost, but so is every cached value's reachability: a counter
    only moves forward, and values expire within ``CACHE_TTL``.
    """
    try:
        pipe = get_cache_redis().pipeline()
        for name in names:
            pipe.incr(GEN_PREFIX + name)
        pipe.execute()
    except REDIS_DOWN as exc:
        log.warning("cache generations %s not bumped (Redis down): %s", names, exc)


def bump_after_commit(session: Any, *names: str) -> None:
    """Bump the generations once ``session`` commits (dropped on rollback).

    After the commit, not before: a reader that sees the new generation started after the
    change was visible, so it can only cache the new state; a reader that raced the commit
    stored its value under the old generation, which nobody reads again.
    """
    session.info.setdefault(BUMPS, set()).update(names)


@event.listens_for(Session, "after_commit")
def _flush_bumps(session: Session) -> None:
    names = session.info.pop(BUMPS, None)
    if names:
        bump(*sorted(names))


@event.listens_for(Session, "after_soft_rollback")
def _drop_bumps(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(BUMPS, None)
