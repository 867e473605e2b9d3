"""Timestamps are stored in UTC and read back timezone-aware on every database."""

from datetime import UTC, datetime, timedelta, timezone

from ihome.accounts.models import User
from ihome.core import clock


def test_timestamps_round_trip_as_aware_utc(db):
    shanghai = timezone(timedelta(hours=8))
    with clock.frozen(datetime(2026, 5, 1, 20, 30, tzinfo=shanghai)):
        user = User(mobile="13700000001", name="tz", password_hash="x")
        db.session.add(user)
        db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, user.id).create_time
    assert stored.tzinfo is not None
    assert stored == datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def test_sqlite_reads_through_a_memory_map(app_ctx):
    """Every SQLite connection maps the database file (issue 14: an uncached search's index pages come from
    the kernel's page cache without a read() each); PostgreSQL has no such setting."""
    from ihome.core.db import SQLITE_MMAP_BYTES
    from ihome.extensions import db

    if db.session.get_bind().dialect.name != "sqlite":
        return
    fresh = db.engine.raw_connection()  # a new connection gets every setting from the connect hook
    try:
        (mapped,) = fresh.cursor().execute("PRAGMA mmap_size").fetchone()
    finally:
        fresh.close()
    assert 0 < mapped <= SQLITE_MMAP_BYTES
