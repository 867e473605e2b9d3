"""What SQL a piece of code sends: for tests that count queries."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event

from ihome.extensions import db


def statements_of(run: Callable[[], object]) -> list[str]:
    """The SQL statements ``run()`` sends through the current session's connection."""
    seen: list[str] = []
    engine = db.session.get_bind()

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen
