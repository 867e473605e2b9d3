"""The declarative base, the timestamp mixin and engine settings per dialect."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import DateTime, MetaData, Table, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic migrations agree on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements on a hot path (no ORM unit of work or bulk machinery)."""
    return cast(Table, model.__table__)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (stored as UTC everywhere); follows ``clock.frozen``."""
    from ihome.core import clock

    return clock.now()


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite stores no zone).

    A TypeDecorator, not a DateTime subclass: dialects swap their own DateTime implementation in,
    which would skip a subclass's processors.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class TimestampMixin:
    """``create_time`` and ``update_time``, set by the database layer in UTC."""

    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    update_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


PING_AFTER_IDLE_SECONDS = 10.0
IDLE_SINCE = "ihome.idle_since"  # a pooled connection's record: when it was last given back


def ping_after_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, paid only after a pause: a connection that sat in the pool for
    ``PING_AFTER_IDLE_SECONDS`` is pinged when checked out (the server may have restarted or closed it
    meanwhile) and replaced if dead; one given back moments ago is not. ``pool_pre_ping`` pinged on
    every checkout, a round trip on every request that reads the database (issue 14). A connection that
    breaks while busy is a disconnect error SQLAlchemy recognises: it replaces the pool's connections."""

    @event.listens_for(engine, "checkin")
    def _given_back(_dbapi_connection: Any, record: Any) -> None:
        record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError() from exc  # the pool drops it and checks out another
            raise


# Reads through a memory map of the database file; SQLite caps the request at its build's maximum (2 GiB on
# Debian's). Without it every page missing from a connection's own 2 MB cache is a read() system call and a
# copy: an uncached dated district search probes ~5,000 houses' orders in as many index leaves (~20 MB at
# 100,000 houses / 1,000,000 orders), and its count took ~21 ms of CPU against ~14 ms mapped (issue 14).
# The mapped pages are the kernel's page cache, shared by every worker, not memory per connection.
SQLITE_MMAP_BYTES = 2**31


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout and a memory-mapped file on every SQLite connection.

    The driver's default transaction handling is kept on purpose: a SELECT runs outside a
    transaction and the first write opens it, so a service that writes first (the booking lock)
    takes SQLite's write lock before it reads anything.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()
