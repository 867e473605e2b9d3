"""Migration 0003 on a database holding old rows, on the database under test (SQLite or PostgreSQL).

Mobile-number names are renamed (with a suffix when the default is taken), older duplicate open
trades are closed, old orders get their money parts, and money columns take 64-bit values.
"""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from tests.support.migrations import fixture_at, run

old_app = fixture_at("0002_search_indexes")



def test_0003_migrates_old_rows(old_app):
    for mobile, name in (("13800138000", "13800138000"), ("13900138000", "13900138000"),
                         ("13700008000", "用户8000"), ("13600001234", "小明")):
        run("INSERT INTO ih_user (name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
            "VALUES (:name, :mobile, 'x', true, false, :now, :now)", name=name, mobile=mobile)
    run("INSERT INTO ih_area (name, create_time, update_time) VALUES ('迁移测试区', :now, :now)")
    run("INSERT INTO ih_house (user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
        "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, create_time, "
        "update_time) SELECT 4, id, 't', 20000, 'a', 1, 1, 'u', 2, 'b', 0, 1, 0, 0, 0, 0, 0, :now, :now "
        "FROM ih_area WHERE name = '迁移测试区'")
    run("INSERT INTO ih_order (user_id, house_id, start_date, end_date, days, house_price, amount, status, "
        "create_time, update_time) VALUES (1, 1, '2026-02-01', '2026-02-03', 2, 20000, 40000, 'WAIT_PAYMENT', "
        ":now, :now)")
    for n in (1, 2):  # two open trades of one order: what a double click could leave before 0003
        run("INSERT INTO ih_payment (order_id, out_trade_no, amount, status, create_time, update_time) "
            "VALUES (1, :trade, 40000, 'STARTED', :now, :now)", trade=f"ih1-{n}")

    upgrade(revision="0003")

    names = dict(run("SELECT mobile, name FROM ih_user"))
    assert names == {"13800138000": "用户8000-2", "13900138000": "用户8000-3", "13700008000": "用户8000",
                     "13600001234": "小明"}
    assert run("SELECT out_trade_no, status FROM ih_payment ORDER BY id") == [
        ("ih1-1", "CLOSED"), ("ih1-2", "STARTED")]
    [order] = run("SELECT guests, subtotal, service_fee, commission, host_payout, amount FROM ih_order")
    assert tuple(order) == (1, 40000, 0, 0, 40000, 40000)
    big = 22 * 100_000_000 * 105 // 100
    run("UPDATE ih_order SET amount = :big, subtotal = :big", big=big)
    assert run("SELECT amount FROM ih_order") == [(big,)]
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        run("UPDATE ih_payment SET status = 'STARTED' WHERE out_trade_no = 'ih1-1'")
    run("UPDATE ih_order SET amount = 40000, subtotal = 40000")
    downgrade(revision="0002_search_indexes")
    assert run("SELECT count(*) FROM ih_payment") == [(2,)]
