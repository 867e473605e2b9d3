"""The app's Redis clients, built to fail fast, and the same server's URL for each library.

redis-py retries by default, so a dead Redis would take seconds to report: one short timeout and
no retries make ``/readyz`` and every request that needs Redis answer 503 at once.

Two clients, because Redis bounds memory per server, not per database: ``get_redis()`` reaches the
server of sessions, queued tasks and counters (never evicts), ``get_cache_redis()`` the server of
cached reads (``IHOME_CACHE_REDIS_URL``, bounded and evicting; the same server when unset).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import redis
from flask import current_app

SOCKET_TIMEOUT = 0.5


def make_client(url: str) -> redis.Redis:
    """A Redis client with short timeouts and no retries."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=SOCKET_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        retry_on_timeout=False,
        retry=None,
        health_check_interval=30,
    )


def get_redis() -> Any:
    """The Redis client of the current app (a ``redis.Redis``).

    Typed ``Any`` on purpose: redis-py types every command as ``Awaitable | Any``, which would
    force a cast at each call site of this synchronous client.
    """
    return current_app.extensions["ihome.redis"]


def get_cache_redis() -> Any:
    """The Redis client for cached reads only: may evict, never holds anything that must last."""
    return current_app.extensions.get("ihome.cache_redis") or current_app.extensions["ihome.redis"]


def _parts(url: str) -> tuple[str, str, int]:
    """(scheme, location, db) of a redis:// or unix:// URL."""
    parsed = urlsplit(url)
    query = parse_qs(parsed.query)
    if parsed.scheme == "unix":
        db = int(query.get("db", ["0"])[0])
        return "unix", parsed.path, db
    db = int((parsed.path or "/0").lstrip("/") or 0)
    return parsed.scheme, parsed.netloc, db


def celery_url(url: str) -> str:
    """Celery's spelling of the same server (it refuses ``unix://``)."""
    scheme, location, db = _parts(url)
    if scheme == "unix":
        return f"redis+socket://{location}?virtual_host={db}"
    return f"{scheme}://{location}/{db}"
