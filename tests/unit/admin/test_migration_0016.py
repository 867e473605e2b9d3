"""Migration 0016 on the database under test: both databases gain the covering partial index that today's
active listings are counted from, SQLite the index of booked stays' lengths that bounds its scan of booked
stays by check-out; the downgrade removes them."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.support.migrations import fixture_at

old_app = fixture_at("0015")


def _indexes(table: str) -> set[str]:
    """From the catalog: SQLAlchemy's reflection skips (and warns about) SQLite's expression indexes."""
    from ihome.extensions import db

    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
           if db.engine.dialect.name == "sqlite" else "SELECT indexname FROM pg_indexes WHERE tablename = :table")
    with db.engine.connect() as connection:
        return set(connection.execute(text(sql), {"table": table}).scalars())


def test_the_statistics_indexes_are_added_and_removed_by_the_downgrade(old_app):
    from ihome.extensions import db

    houses, orders = _indexes("ih_house"), _indexes("ih_order")
    assert "ix_house_listed_area_created" not in houses and "ix_order_booked_length" not in orders
    upgrade(revision="0016")
    assert _indexes("ih_house") - houses == {"ix_house_listed_area_created"}
    assert _indexes("ih_order") - orders == ({"ix_order_booked_length"} if db.engine.dialect.name == "sqlite"
                                             else set())
    downgrade(revision="0015")
    assert (_indexes("ih_house"), _indexes("ih_order")) == (houses, orders)
