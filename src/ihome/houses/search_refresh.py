"""Refresh-ahead of popular searches: a change pays for the searches it invalidates, not their readers.

A booking makes the cached searches that share a night with its stay miss (``houses.cache``): exact,
and under traffic the next reader of each such search pays for it, a miss of 30-120 ms where a hit
takes 3 ms. When 5 % of requests are bookings that is ~5 % of searches, so the search p99 is a miss
(issue 14's mixed run). The searches people actually read again are few, and known:

- **Popular**: a search answered *from the cache* records its key, with the time, in a sorted set per
  scope (``ihome:hot:<scope>`` in the cache Redis; the newest ``HOT_MAX`` kept, gone after
  ``HOT_SECONDS`` without a read). The record waits in a per-process buffer (``core.write_buffer``),
  so a hit costs no Redis round trip more. A search computed once and never read again is not
  popular, so a stream of one-off searches costs a change nothing.
- **Refreshed**: when a request commits a change of a house's nights (``stays_changed``) or listing
  (``house_changed``), the bumps happen at the commit as always; then, before the request answers, it
  recomputes up to ``IHOME_SEARCH_REFRESH`` (default 4) of the popular searches the change affected
  (same scope; sharing a night with the stay, or all of the scope), most recently read first, and
  stores them under the new generations. Their next readers hit.

Never stale: a refresh is an ordinary cache fill after the bump (``cached_json(refresh=True)``: the
counters are read before the loader, so a refresh that raced another change stores a stamp nobody
matches). A reader in between misses and computes for itself, as before. Changes outside a request
(a Celery expiry) only bump. A refresh that fails is logged; the change's answer is never affected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import after_this_request, current_app, g, has_request_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from ihome.core.redis_client import get_cache_redis
from ihome.core.write_buffer import Row, WriteBuffer

log = logging.getLogger(__name__)
HOT_PREFIX = "ihome:hot:"
HOT_SECONDS = 600  # a search read from the cache within this long is popular
HOT_MAX = 500  # popular searches kept per scope (the most recently read)
CHANGES = "ihome.search_changes"  # session.info: the changes of the transaction, until it commits
PENDING = "ihome_search_changes"  # g: the committed changes of this request, refreshed before it answers

Nights = tuple[date, date] | None  # the nights [start, end) a change touched; None: the whole scope
Change = tuple[tuple[str, ...], Nights]


def _write(client: Any, rows: list[Row]) -> None:
    pipe = client.pipeline(transaction=False)
    for key, member, when in rows:
        pipe.zadd(key, {member: when})
    for key in {key for key, _member, _when in rows}:
        pipe.zremrangebyrank(key, 0, -HOT_MAX - 1)
        pipe.expire(key, HOT_SECONDS)
    pipe.execute()


_seen = WriteBuffer("popular searches", _write, max)


def seen(scope: str, key: str) -> None:
    """A reader was answered the cached search ``key`` of ``scope`` (the first of its generations)."""
    _seen.add(get_cache_redis(), HOT_PREFIX + scope, key, time.time())


def flush() -> None:
    """Write this process's pending records now (a refresh reads them; tests call it between tests)."""
    _seen.flush()


def note_change(session: Any, scopes: Iterable[str], nights: Nights) -> None:
    """Once ``session`` commits, refresh the popular searches of ``scopes`` that share a night with
    ``nights`` (None: every one of the scopes) before this request answers. Dropped on rollback."""
    session.info.setdefault(CHANGES, []).append((tuple(scopes), nights))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    changes = session.info.pop(CHANGES, None)
    if not changes or not has_request_context():
        return
    pending: list[Change] | None = g.get(PENDING)
    if pending is None:
        pending = []
        setattr(g, PENDING, pending)
        after_this_request(_refresh_before_answering)
    pending.extend(changes)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CHANGES, None)


def _refresh_before_answering(response: Any) -> Any:
    try:
        refresh(g.pop(PENDING, []))
    except Exception:  # noqa: BLE001  # the change is committed and answered whatever happens here
        log.exception("refreshing popular searches failed")
    return response


def _affected(key: str, nights: Nights, parse: Any) -> bool:
    if nights is None:
        return True
    start, end = parse(key)
    return start is not None and end is not None and start < nights[1] and nights[0] < end


def chosen(changes: list[Change], limit: int) -> list[str]:
    """The keys of the popular searches ``changes`` affected, most recently read first, ``limit`` at most."""
    from ihome.houses.search import stay_of_key

    by_scope: dict[str, list[Nights]] = {}
    for scopes, nights in changes:
        for scope in scopes:
            by_scope.setdefault(scope, []).append(nights)
    names = sorted(by_scope)
    pipe = get_cache_redis().pipeline(transaction=False)
    for scope in names:
        pipe.zrevrangebyscore(HOT_PREFIX + scope, "+inf", time.time() - HOT_SECONDS, withscores=True)
    found: dict[str, float] = {}
    for scope, members in zip(names, pipe.execute(), strict=True):
        for member, when in members:
            key = member.decode()
            if any(_affected(key, nights, stay_of_key) for nights in by_scope[scope]):
                found[key] = max(when, found.get(key, 0.0))
    return sorted(found, key=lambda k: -found[k])[:limit]


def refresh(changes: list[Change]) -> int:
    """Recompute the popular searches ``changes`` affected (``IHOME_SEARCH_REFRESH`` at most); how many."""
    from ihome.houses.search import refresh_search

    limit = current_app.config["SEARCH_REFRESH"]
    if not changes or limit <= 0:
        return 0
    try:
        flush()  # this process's latest reads count too
        keys = chosen(changes, limit)
    except RedisError as exc:
        log.warning("popular searches not refreshed (cache unavailable): %s", exc)
        return 0
    return sum(refresh_search(key) for key in keys)
