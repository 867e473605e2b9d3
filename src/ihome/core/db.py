"""The declarative base, the timestamp mixin and engine settings per dialect."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
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


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (stored as UTC everywhere); follows ``clock.frozen``."""
    from ihome.core import clock

    return clock.now()


class UTCDateTime(DateTime):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def bind_processor(self, dialect):  # type: ignore[override]
        parent = super().bind_processor(dialect)

        def process(value):
            if value is not None and value.tzinfo is not None:
                value = value.astimezone(UTC)
                if dialect.name == "sqlite":
                    value = value.replace(tzinfo=None)
            return parent(value) if parent else value

        return process

    def result_processor(self, dialect, coltype):  # type: ignore[override]
        parent = super().result_processor(dialect, coltype)

        def process(value):
            value = parent(value) if parent else value
            if value is not None and value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            return value

        return process


class TimestampMixin:
    """``create_time`` and ``update_time``, set by the database layer in UTC."""

    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    update_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection.

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
        cursor.close()
