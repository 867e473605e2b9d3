"""Migration 0008 on a database that already holds houses, on the database under test (SQLite or PostgreSQL):
existing houses become searchable by keyword, and the downgrade removes the index objects."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade

from tests.support.migrations import fixture_at, run

old_app = fixture_at("0007")



def test_existing_houses_are_found_after_the_upgrade_and_the_downgrade_cleans_up(old_app):
    from ihome.houses.keyword import fts_phrase, like_pattern

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
    for word in ("四合院", "南锣鼓巷", "胡同"):  # as 0008's keyword.py searched (0010 added the description)
        if dialect == "sqlite" and len(word) >= 3:
            found = run("SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH :q", q=fts_phrase(word))
        else:
            operator = "ILIKE" if dialect == "postgresql" else "LIKE"
            found = run(f"SELECT id FROM ih_house WHERE title {operator} :p ESCAPE '\\' "  # noqa: S608
                        f"OR address {operator} :p ESCAPE '\\'", p=like_pattern(word))
        assert [row[0] for row in found or []] == [1], word
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
