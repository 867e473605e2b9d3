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
