"""Migration 0008 on a database that already holds houses, on the database under test (SQLite or PostgreSQL):
existing houses become searchable by keyword, and the downgrade removes the index objects."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from tests.support.migrations import fixture_at, run

old_app = fixture_at("0007")



def test_existing_houses_are_found_after_the_upgrade_and_the_downgrade_cleans_up(old_app):
    from ihome.houses.keyword import keyword_condition
    from ihome.houses.models import House

    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '东城区', :now, :now)")
    run("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    run("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
        "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
        "create_time, update_time) VALUES (1, 1, 1, '胡同里的四合院', 30000, '东城区南锣鼓巷', 1, 40, '', 2, '', 0, "
        "1, 0, 0, 0, 0, 0, true, :now, :now)")
    upgrade(revision="0008")
    from ihome.extensions import db

    dialect = db.engine.dialect.name
    with db.engine.connect() as connection:
        for word in ("四合院", "南锣鼓巷", "胡同"):
            found = connection.execute(
                House.__table__.select().with_only_columns(House.id).where(keyword_condition(word, dialect))).all()
            assert [row[0] for row in found] == [1], word
    if dialect == "sqlite":
        run("UPDATE ih_house SET title = '新标题' WHERE id = 1")  # the triggers keep the table in step
        assert run("SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH '\"新标题\"'") == [(1,)]
        assert run("SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH '\"四合院\"'") == []
    downgrade(revision="0007")
    if dialect == "sqlite":
        assert run("SELECT name FROM sqlite_master WHERE name LIKE 'ih_house_fts%'") == []
    else:
        assert run("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm%'") == []
    run("DELETE FROM ih_house")  # no trigger left to fail
