"""Migration 0007 on a database holding old rows (SQLite or PostgreSQL): houses and orders become moderate."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from tests.support.migrations import fixture_at, run

app_at_0006 = fixture_at("0006")


def test_0007_gives_old_houses_and_orders_the_default_policy_and_refuses_unknown_ones(app_at_0006):
    run("INSERT INTO ih_user (name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES ('用户0007', '13800000007', 'x', true, false, :now, :now)")
    run("INSERT INTO ih_area (name, create_time, update_time) VALUES ('迁移七区', :now, :now)")
    run("INSERT INTO ih_house (user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
        "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, create_time, "
        "update_time) SELECT 1, id, 't', 20000, 'a', 1, 1, 'u', 2, 'b', 0, 1, 0, 0, 0, 0, 0, :now, :now "
        "FROM ih_area WHERE name = '迁移七区'")
    run("INSERT INTO ih_order (user_id, house_id, start_date, end_date, days, house_price, amount, status, "
        "create_time, update_time) VALUES (1, 1, '2026-02-01', '2026-02-03', 2, 20000, 42000, 'PAID', :now, :now)")

    upgrade(revision="0007")

    assert run("SELECT cancellation_policy FROM ih_house") == [("moderate",)]
    assert run("SELECT cancellation_policy FROM ih_order") == [("moderate",)]
    run("UPDATE ih_house SET cancellation_policy = 'strict'")
    from ihome.extensions import db

    if db.engine.dialect.name == "postgresql":  # SQLite: the services check the value
        with pytest.raises(Exception, match="(?i)check|constraint"):
            run("UPDATE ih_order SET cancellation_policy = 'lenient'")
    downgrade(revision="0006")
    assert run("SELECT count(*) FROM ih_order") == [(1,)]
