"""Migration 0014 on a database that already holds houses, on the database under test: the count's
covering index replaces ix_house_area_stay, PostgreSQL gains the suspended accounts' index, the dated
district count (hidden houses left out) is the same before and after, and the downgrade brings the old
index back."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.migrations import fixture_at, run

HOUSE = ("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
         "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
         "description, house_rules, check_in_time, check_out_time, published, create_time, update_time) "
         "VALUES (:id, :user_id, 1, 'house', 30000, '', 1, 40, '', 2, '', 0, :min_days, 0, 0, 0, 0, 0, :listed, "
         "'', '', '14:00', '12:00', :published, :now, :now)")
USER = ("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (:id, :name, :mobile, 'x', :active, false, :now, :now)")

old_app = fixture_at("0013")


def _indexes() -> dict[str, list[str]]:
    from ihome.extensions import db

    return {index["name"]: index["column_names"] for index in inspect(db.engine).get_indexes("ih_house")}


def _user_indexes() -> set[str]:
    from ihome.extensions import db

    return {index["name"] for index in inspect(db.engine).get_indexes("ih_user")}


def _count() -> int:
    from ihome.extensions import db
    from ihome.houses.search import count_query

    sd = date(2030, 1, 1)
    with db.engine.connect() as connection:
        return connection.execute(count_query(aid=1, sd=sd, ed=date(2030, 1, 3))).scalar_one()


def test_the_covering_index_replaces_the_old_one_and_the_count_is_unchanged(old_app):
    from ihome.extensions import db

    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '朝阳区', :now, :now)")
    run(USER, id=1, name="host", mobile="13800000001", active=True)
    run(USER, id=2, name="suspended", mobile="13800000002", active=False)
    visible = dict(user_id=1, min_days=1, listed=True, published=True)
    run(HOUSE, id=1, **visible)
    run(HOUSE, id=2, **{**visible, "min_days": 3})  # too long a minimum stay
    run(HOUSE, id=3, **{**visible, "published": False})
    run(HOUSE, id=4, **{**visible, "listed": False})
    run(HOUSE, id=5, **{**visible, "user_id": 2})
    run(HOUSE, id=6, **visible)
    assert _count() == 2

    upgrade(revision="0014")
    indexes = _indexes()
    assert indexes["ix_house_area_visible_stay"] == ["area_id", "published", "listed", "min_days", "max_days",
                                                     "user_id", "id"]
    assert "ix_house_area_stay" not in indexes
    assert ("ix_user_suspended" in _user_indexes()) == (db.engine.dialect.name == "postgresql")
    assert _count() == 2

    downgrade(revision="0013")
    indexes = _indexes()
    assert indexes["ix_house_area_stay"] == ["area_id", "min_days", "max_days", "id"]
    assert "ix_house_area_visible_stay" not in indexes
    assert "ix_user_suspended" not in _user_indexes()
    assert _count() == 2
