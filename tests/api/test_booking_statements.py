"""What a booking sends to the database after its commit: nothing (issue 14).

The answer is built from the order before the commit expires it, and the cache bumps find the
house's district in the session (no extra query). ``python -m bench.statements`` lists every
statement and Redis round trip of one booking.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from ihome.core import clock
from ihome.core.cache import GEN_PREFIX
from ihome.houses.cache import search_generations


def test_a_booking_sends_no_sql_after_its_commit_and_no_district_lookup(stay, db, redis):
    statements: list[str] = []
    committed: list[int] = []
    engine = db.session.get_bind()

    def on_sql(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    def on_release(_conn, name, _context):  # the test's transaction: the app's commit releases a savepoint
        committed.append(len(statements))

    start = clock.today() + timedelta(days=4)
    week = search_generations(1, start, start + timedelta(days=2))[1]  # district 1's searches of that week
    before = int(redis.get(GEN_PREFIX + week) or 0)
    event.listen(engine, "before_cursor_execute", on_sql)
    event.listen(engine, "release_savepoint", on_release)
    try:
        stay.book(start_in=4, nights=2).expect(201)
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
        event.remove(engine, "release_savepoint", on_release)
    assert committed, statements
    after_commit = [s for s in statements[committed[-1]:] if not s.startswith("RELEASE")]
    assert after_commit == []
    assert not any(s.startswith("SELECT ih_house.area_id") for s in statements)
    assert int(redis.get(GEN_PREFIX + week) or 0) == before + 1
