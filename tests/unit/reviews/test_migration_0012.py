"""Migration 0012 on a database that already holds reviewed and unreviewed stays, on the database under
test: the review columns appear, reviews written before it are public at once (and keep their time),
the others stay blind; the downgrade removes the columns and leaves the orders whole."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.migrations import fixture_at, run

ORDER = ("INSERT INTO ih_order (id, user_id, house_id, start_date, end_date, days, house_price, amount, status, "
         "comment, rating, review_hidden, create_time, update_time) VALUES (:id, 1, 1, :start, :end, 2, 20000, "
         "42000, :status, :comment, :rating, false, :now, :written)")
NEW = {"comment_time", "host_rating", "host_comment", "host_review_time", "reply", "reply_time", "reviews_public_at"}


old_app = fixture_at("0011")


def columns() -> set[str]:
    from ihome.extensions import db

    return {c["name"] for c in inspect(db.engine).get_columns("ih_order")}


def test_old_reviews_are_public_at_once_and_the_columns_come_and_go(old_app):
    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '东城区', :now, :now)")
    run("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    run("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
        "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
        "create_time, update_time) VALUES (1, 1, 1, '胡同里的四合院', 20000, '东城区南锣鼓巷', 1, 40, '', 2, '', 0, "
        "1, 0, 1, 5, 1, 0, true, :now, :now)")
    run(ORDER, id=1, start="2026-01-01", end="2026-01-03", status="COMPLETE", comment="很好", rating=5,
        written="2026-01-05 08:00:00")
    run(ORDER, id=2, start="2026-01-10", end="2026-01-12", status="WAIT_COMMENT", comment=None, rating=None,
        written="2026-01-12 08:00:00")
    assert not columns() & NEW

    upgrade(revision="0012")

    assert columns() >= NEW
    rows = run("SELECT id, reviews_public_at, comment_time, host_rating, reply FROM ih_order ORDER BY id")
    (first, public, written, host_rating, reply), second = rows
    assert first == 1 and str(public)[:19] == str(written)[:19] == "2026-01-05 08:00:00"
    assert (host_rating, reply) == (None, None)
    assert second[1:] == (None, None, None, None)  # not reviewed yet: blind
    run("UPDATE ih_order SET host_rating = 4, host_comment = '爱干净', host_review_time = :now, "
        "reply = '谢谢', reply_time = :now WHERE id = 1")
    from ihome.extensions import db

    if db.engine.dialect.name == "postgresql":  # SQLite: the API checks the stars
        with pytest.raises(Exception, match="(?i)check|constraint"):
            run("UPDATE ih_order SET host_rating = 6 WHERE id = 2")

    downgrade(revision="0011")
    assert not columns() & NEW
    assert run("SELECT id, comment, rating, status FROM ih_order ORDER BY id") == [
        (1, "很好", 5, "COMPLETE"), (2, None, None, "WAIT_COMMENT")]
    assert "ix_order_reviews_blind" not in {i["name"] for i in inspect(db.engine).get_indexes("ih_order")}
