"""Writes to Redis that a request should not wait for, gathered per process and sent together.

A ``WriteBuffer`` holds ``{(client, key, field): value}`` in memory, merging a new value into the
pending one (a count adds up, a "last seen" time keeps the latest), and hands everything pending to
its ``write`` function, which sends one pipeline per Redis client. That happens at most once per
``interval``: on the next ``add`` after it, from a background thread when traffic stops, as soon as
``max_pending`` distinct fields wait, at process exit, and whenever a reader calls ``flush()`` first.
What a crash (a killed worker) can lose: the last ``interval`` of writes. A Redis failure is logged
by ``write``'s owner, never the request's problem.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

Row = tuple[str, str, Any]  # (key, field, value)


class WriteBuffer:
    """Pending writes, guarded by one lock; one flusher thread per process (started after a fork too)."""

    def __init__(self, name: str, write: Callable[[Any, list[Row]], None], merge: Callable[[Any, Any], Any],
                 *, interval: float = 1.0, max_pending: int = 10_000) -> None:
        self.name = name
        self.write = write
        self.merge = merge
        self.interval = interval
        self.max_pending = max_pending
        self.lock = threading.Lock()
        self.pending: dict[tuple[Any, str, str], Any] = {}
        self.last_flush = time.monotonic()
        self.flusher_pid: int | None = None
        atexit.register(self.flush)  # a worker that exits normally (gunicorn's graceful stop) loses nothing

    def add(self, client: Any, key: str, field: str, value: Any) -> None:
        """Merge ``value`` into the pending one of (client, key, field); write everything when due."""
        slot = (client, key, field)
        with self.lock:
            old = self.pending.get(slot)
            self.pending[slot] = value if old is None else self.merge(old, value)
            due = len(self.pending) >= self.max_pending or time.monotonic() - self.last_flush >= self.interval
            start = self.flusher_pid != os.getpid()
            if start:
                self.flusher_pid = os.getpid()  # after a fork the thread is gone: one per process
        if start:
            threading.Thread(target=self._run, name=f"ihome-{self.name}-flush", daemon=True).start()
        if due:
            self.flush()

    def flush(self) -> None:
        """Write everything pending now (readers in this process call it before they read)."""
        with self.lock:
            taken, self.pending = self.pending, {}
            self.last_flush = time.monotonic()
        by_client: dict[Any, list[Row]] = {}
        for (client, key, field), value in taken.items():
            by_client.setdefault(client, []).append((key, field, value))
        for client, rows in by_client.items():
            try:
                self.write(client, rows)
            except RedisError as exc:  # what the buffer holds must never break a request
                log.warning("could not write %d %s: %s", len(rows), self.name, exc)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # noqa: BLE001  # the thread must outlive any surprise
                log.exception("%s flush failed", self.name)
