"""Migration 0015 on the database under test: PostgreSQL gains the GiST index of booked stays' nights that
today's live figures read, SQLite is left as it was (it reads ix_order_booked_end), and the downgrade
removes it."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.migrations import fixture_at

old_app = fixture_at("0014")


def _order_indexes() -> set[str]:
    from ihome.extensions import db

    return {index["name"] for index in inspect(db.engine).get_indexes("ih_order")}


def test_the_booked_stay_index_is_added_on_postgresql_and_removed_by_the_downgrade(old_app):
    from ihome.extensions import db

    before = _order_indexes()
    assert "ix_order_booked_end" in before and "ix_order_booked_stay" not in before
    upgrade(revision="0015")
    assert _order_indexes() - before == ({"ix_order_booked_stay"} if db.engine.dialect.name == "postgresql" else set())
    downgrade(revision="0014")
    assert _order_indexes() == before
