"""What the database never sees: searches and house detail views, counted per day in Redis.

Two hashes per marketplace day: ``ihome:stats:searches:<day>`` (field: district id, 0 for a search of
every district) and ``ihome:stats:views:<day>`` (field: house id). The houses API only sends the
``search_performed`` and ``house_viewed`` events; the receivers here add them to a per-process
buffer in memory (``core.write_buffer``: no Redis round trip on the request), which is written in ONE
pipeline at most once a second: by the next count after the interval, by a background thread when
traffic stops, when the buffer holds ``MAX_PENDING`` distinct counters, and at process exit. A Redis
failure is logged, never the request's problem. What a crash (a killed worker) can lose: the last
second of counts.
Readers in this process call ``flush()`` first (``read_day`` does); other processes' counts reach
Redis within a second. The daily rollup copies the counts into
``ih_stats_daily``; the keys expire after ``KEEP_DAYS`` (the rollup keeps what it copied).
"""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from flask import Flask

from ihome.core import clock
from ihome.core.events import house_viewed, search_performed
from ihome.core.redis_client import get_redis
from ihome.core.write_buffer import Row, WriteBuffer

PREFIX = "ihome:stats"
KEEP_DAYS = 40
FLUSH_INTERVAL = 1.0  # seconds a count may wait in memory
MAX_PENDING = 10_000  # distinct (key, field) counters before a flush regardless of the interval


def searches_key(day: date) -> str:
    return f"{PREFIX}:searches:{day.isoformat()}"


def views_key(day: date) -> str:
    return f"{PREFIX}:views:{day.isoformat()}"


def _write(client: Any, rows: list[Row]) -> None:
    pipe = client.pipeline(transaction=False)
    for key, field, n in rows:
        pipe.hincrby(key, field, n)
    for key in {key for key, _field, _n in rows}:
        pipe.expire(key, KEEP_DAYS * 86400)
    pipe.execute()


_buffer = WriteBuffer("view and search counts", _write, operator.add, interval=FLUSH_INTERVAL,
                      max_pending=MAX_PENDING)


def flush() -> None:
    """Write every count this process holds to Redis now (readers and tests call it first)."""
    _buffer.flush()


def _count(key: str, field: int) -> None:
    _buffer.add(get_redis(), key, str(field), 1)


def count_search(_sender: Any, *, aid: int | str | None = None, **_kwargs: Any) -> None:
    """Receiver of ``search_performed`` (``aid`` as the query gave it: empty or absent = every district)."""
    district = int(aid) if isinstance(aid, int) or (aid and aid.strip().isdigit()) else 0
    _count(searches_key(clock.today()), district)


def count_view(_sender: Any, *, house_id: int, **_kwargs: Any) -> None:
    """Receiver of ``house_viewed``."""
    _count(views_key(clock.today()), house_id)


def read_day(day: date) -> tuple[dict[int, int], dict[int, int]] | None:
    """(searches by district id, views by house id) of ``day``; None when Redis keeps neither any more
    (the rollup then keeps what it copied before). Raises RedisError when Redis cannot be reached."""
    flush()
    pipe = get_redis().pipeline(transaction=False)
    pipe.hgetall(searches_key(day))
    pipe.hgetall(views_key(day))
    searches, views = pipe.execute()
    if not searches and not views and day < clock.today():
        return None
    return ({int(k): int(v) for k, v in searches.items()}, {int(k): int(v) for k, v in views.items()})


def register(app: Flask) -> None:
    """Subscribe the counters (module-level functions: connected once, whatever the number of apps)."""
    search_performed.connect(count_search)
    house_viewed.connect(count_view)
