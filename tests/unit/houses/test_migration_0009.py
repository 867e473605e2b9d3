"""Migration 0009 on a database that already holds a house, on the database under test: the calendar
tables and columns appear (existing houses keep the base price every night, no token yet), and the
downgrade removes them and leaves the house whole."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from tests.support.migrations import fixture_at, run

HOUSE = ("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
         "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
         "create_time, update_time) VALUES (:id, 1, 1, '胡同里的四合院', 30000, '东城区南锣鼓巷', 1, 40, '', 2, '', 0, "
         "1, 0, 0, 0, 0, 0, true, :now, :now)")


old_app = fixture_at("0008")


def test_the_calendar_schema_comes_and_goes_around_existing_houses(old_app):
    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '东城区', :now, :now)")
    run("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    run(HOUSE, id=1)
    upgrade(revision="0009")

    assert run("SELECT weekend_price, ical_token FROM ih_house WHERE id = 1") == [(None, None)]
    run("INSERT INTO ih_calendar_import (id, house_id, url, create_time) "
        "VALUES (1, 1, 'https://a.example/c.ics', :now)")
    run("INSERT INTO ih_house_block (house_id, start_date, end_date, import_id, create_time) "
        "VALUES (1, '2027-01-10', '2027-01-12', NULL, :now), (1, '2027-02-01', '2027-02-03', 1, :now)")
    run("INSERT INTO ih_night_price (house_id, night, price) VALUES (1, '2027-01-15', 45000)")
    run("UPDATE ih_house SET ical_token = 'secret', weekend_price = 36000 WHERE id = 1")
    with pytest.raises(IntegrityError):
        run("INSERT INTO ih_house_block (house_id, start_date, end_date, create_time) "
            "VALUES (1, '2027-01-12', '2027-01-12', :now)")  # an empty range
    run(HOUSE.replace(":id, 1, 1, '胡同里的四合院'", ":id, 1, 1, '另一套'"), id=2)
    with pytest.raises(IntegrityError):
        run("UPDATE ih_house SET ical_token = 'secret' WHERE id = 2")  # a secret finds one house

    run("DELETE FROM ih_calendar_import WHERE id = 1")  # a feed's busy nights go with it
    assert [str(row[0]) for row in run("SELECT start_date FROM ih_house_block")] == ["2027-01-10"]

    downgrade(revision="0008")
    houses = run("SELECT id, title, price FROM ih_house ORDER BY id")
    assert houses == [(1, "胡同里的四合院", 30000), (2, "另一套", 30000)]
    from sqlalchemy import inspect

    from ihome.extensions import db

    tables = set(inspect(db.engine).get_table_names())
    assert not tables & {"ih_calendar_import", "ih_house_block", "ih_night_price"}
    assert "weekend_price" not in {c["name"] for c in inspect(db.engine).get_columns("ih_house")}
