"""Migration 0011 on a database that already holds a paid stay, on the database under test: ih_payout
appears (one row per order at most, amounts 64-bit), and the downgrade removes it and leaves the order whole."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from tests.support.migrations import fixture_at
from tests.support.migrations import run as run_sql

HOUSE = ("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
         "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
         "create_time, update_time) VALUES (:id, 1, 1, '胡同里的四合院', 33333, '东城区南锣鼓巷', 1, 40, '', 2, '', 0, "
         "1, 0, 0, 0, 0, 0, true, :now, :now)")
ORDER = ("INSERT INTO ih_order (id, user_id, house_id, start_date, end_date, days, guests, house_price, subtotal, "
         "service_fee, commission, host_payout, amount, cancellation_policy, status, review_hidden, create_time, "
         "update_time) VALUES (1, 1, 1, '2030-03-10', '2030-03-13', 3, 1, 33333, 99999, 5000, 3000, 96999, 104999, "
         "'moderate', 'PAID', false, :now, :now)")
PAYOUT = ("INSERT INTO ih_payout (order_id, host_id, amount, status, due_date, create_time) "
          "VALUES (1, 1, :amount, 'pending', '2030-03-11', :now)")


old_app = fixture_at("0010")


def test_the_payout_table_comes_and_goes_around_existing_orders(old_app):
    run_sql("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '东城区', :now, :now)")
    run_sql("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
            "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    run_sql(HOUSE, id=1)
    run_sql(ORDER)
    upgrade(revision="0011")

    run_sql(PAYOUT, amount=2**40 + 1)  # fen, 64-bit
    assert run_sql("SELECT order_id, amount, status, paid_at, paid_by FROM ih_payout") == [
        (1, 2**40 + 1, "pending", None, None)]
    with pytest.raises(IntegrityError):
        run_sql(PAYOUT, amount=1)  # a second payout for the same stay
    run_sql("UPDATE ih_payout SET status = 'paid', paid_by = 1, note = 'x' WHERE order_id = 1")

    run_sql("DELETE FROM ih_payout")
    downgrade(revision="0010")
    from ihome.extensions import db

    assert "ih_payout" not in set(inspect(db.engine).get_table_names())
    assert run_sql("SELECT id, host_payout, status FROM ih_order") == [(1, 96999, "PAID")]
