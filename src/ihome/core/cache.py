"""A read-through cache in Redis with generation stamps, which never serves stale data.

Each cached value depends on one or more *generation counters* (``ihome:gen:<name>``). A change
bumps the counters it affects (``bump``); every stored value carries the *stamp* of the counters it
was built at (their values, read before the loader ran), and a read serves it only when the stamp
still matches the counters now. Nothing has to guess which keys to delete.

One read is one plain ``MGET`` of the value and its counters: no Lua script to run on the server,
and the value is the JSON bytes the API sends, so a hit is neither parsed nor validated again
(``cached_json``; ``cached`` parses them for callers that want data).

Why a stamp in the value rather than the generations in the key: the read stays one round trip,
and a rebuilt value replaces the old one under the same key. A loader that raced a change stores
its value with the stamp it read before the change, which no reader matches after the bump; at
worst it overwrites a fresher entry, which costs one more miss, never a stale answer.

Redis being down degrades to uncached reads: the loader is called directly.

Everything here lives in the cache Redis (``get_cache_redis``), never beside sessions and the task
queue: under ``ihome serve`` a server of its own with ``maxmemory`` and ``volatile-lru``. Values
always carry a TTL and generation counters never do, so eviction drops old values, never a
counter (a lost counter would restart at 0 and could match an old stamp again).
(A single-node or Sentinel Redis; on Redis Cluster the keys of one MGET would need one hash slot.)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import redis
from flask import current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session

from ihome.core.redis_client import get_cache_redis

log = logging.getLogger(__name__)
T = TypeVar("T")
PREFIX = "ihome:cache:"
GEN_PREFIX = "ihome:gen:"
BUMPS = "ihome.cache_bumps"
SEPARATOR = b"\n"  # between the stamp and the JSON (a stamp holds digits and commas only)
# Down, or refusing a write (out of memory): either way the read goes to the loader.
REDIS_DOWN = (redis.exceptions.RedisError,)


def to_json(value: Any) -> bytes:
    """The bytes Flask's JSON provider would send for ``value`` (sorted keys, compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _stamp(counters: list[bytes | None]) -> bytes:
    return b",".join(c or b"0" for c in counters)


def cached_json(key: str, loader: Callable[[], Any], *, generations: Iterable[str] = (),
                ttl: int | None = None, refresh: bool = False) -> bytes:
    """The JSON bytes of the value under ``key`` at the current generations; ``loader`` on a miss.

    ``loader`` returns JSON-serialisable data. Whether this request was a hit is left in
    ``g.cache_hit`` (the ``X-Cache`` header of the cached API answers). ``refresh=True`` runs the
    loader and stores its value whatever is cached (a refresh ahead of readers; ``g`` is left alone):
    the same fill as a miss, stamped with the counters read before the loader, so never stale.
    """
    full_key = PREFIX + key
    names = [GEN_PREFIX + n for n in generations]
    try:
        found = get_cache_redis().mget(names if refresh else [full_key, *names])
    except REDIS_DOWN as exc:
        log.warning("cache unavailable, reading %s uncached: %s", key, exc)
        if not refresh:
            g.cache_hit = False
        return to_json(loader())
    if refresh:
        found = [None, *found]
    stamp = _stamp(found[1:])
    raw = found[0]
    if raw is not None:
        stored, _, payload = raw.partition(SEPARATOR)
        if stored == stamp:
            g.cache_hit = True
            return payload
    payload = to_json(loader())
    if not refresh:
        g.cache_hit = False  # after the loader, which may read other cached values
    try:
        get_cache_redis().set(full_key, stamp + SEPARATOR + payload, ex=ttl or current_app.config["CACHE_TTL"])
    except REDIS_DOWN as exc:
        log.warning("cache unavailable, not storing %s: %s", key, exc)
    return payload


def cached(key: str, loader: Callable[[], T], *, generations: Iterable[str] = (), ttl: int | None = None) -> T:
    """The value under ``key`` at the current generations, computed by ``loader`` on a miss.

    ``loader`` must return JSON-serialisable data (the same shape it returns uncached).
    """
    return json.loads(cached_json(key, loader, generations=generations, ttl=ttl))


def bump(*names: str) -> None:
    """Invalidate everything cached under these generations (call after the change commits).

    If Redis is down the bump is lost, but so is every cached value's reachability: a counter
    only moves forward, and values expire within ``CACHE_TTL``.
    """
    try:
        pipe = get_cache_redis().pipeline(transaction=False)  # independent counters: no MULTI/EXEC needed
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
