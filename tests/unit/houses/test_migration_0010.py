"""Migration 0010 on a database that already holds a house, on the database under test: the listing
columns appear with their defaults (published, 14:00 / 12:00, empty texts), the keyword index covers the
description (and still the title and address), and the downgrade removes them and leaves the house and
0008's keyword search whole."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.migrations import fixture_at, run

HOUSE = ("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
         "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
         "create_time, update_time) VALUES (:id, 1, 1, :title, 30000, '东城区南锣鼓巷', 1, 40, '', 2, '', 0, "
         "1, 0, 0, 0, 0, 0, true, :now, :now)")
NEW_COLUMNS = {"description", "house_rules", "check_in_time", "check_out_time", "published"}


old_app = fixture_at("0009")


def _found(word: str) -> list[int]:
    from ihome.extensions import db
    from ihome.houses.keyword import keyword_condition
    from ihome.houses.models import House

    with db.engine.connect() as connection:
        query = House.__table__.select().with_only_columns(House.id).where(
            keyword_condition(word, db.engine.dialect.name)).order_by(House.id)
        return [row[0] for row in connection.execute(query)]


def _old_found(word: str) -> list[int]:
    """The keyword on the title or address only, as before 0010 (the model has a description column now)."""
    from ihome.extensions import db
    from ihome.houses.keyword import fts_phrase, like_pattern

    if db.engine.dialect.name == "sqlite":
        rows = run("SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH :q ORDER BY rowid", q=fts_phrase(word))
    else:
        rows = run("SELECT id FROM ih_house WHERE title ILIKE :p OR address ILIKE :p ORDER BY id",
                   p=like_pattern(word))
    return [row[0] for row in rows or []]


def test_the_listing_columns_come_and_go_and_the_keyword_covers_the_description(old_app):
    from ihome.extensions import db

    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '东城区', :now, :now)")
    run("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    run(HOUSE, id=1, title="胡同里的四合院")
    upgrade(revision="0010")

    assert run("SELECT description, house_rules, check_in_time, check_out_time, published FROM ih_house") == [
        ("", "", "14:00", "12:00", True)]
    assert _found("四合院") == [1] and _found("南锣鼓巷") == [1]  # the rebuilt index still has the old text
    run("UPDATE ih_house SET description = :d WHERE id = 1", d="院子里有一棵石榴树\n安静")
    run(HOUSE.replace("'东城区南锣鼓巷'", "'朝阳区'"), id=2, title="公寓")  # a new house: the insert trigger
    run("UPDATE ih_house SET description = '石榴树下喝茶' WHERE id = 2")
    assert _found("石榴树") == [1, 2]
    run("UPDATE ih_house SET description = '' WHERE id = 1")  # the update trigger forgets the old text
    assert _found("石榴树") == [2]
    run("DELETE FROM ih_house WHERE id = 2")  # the delete trigger
    assert _found("石榴树") == []
    if db.engine.dialect.name == "postgresql":
        assert run("SELECT indexname FROM pg_indexes WHERE indexname = 'ix_house_description_trgm'") == [
            ("ix_house_description_trgm",)]

    downgrade(revision="0009")
    assert run("SELECT id, title, price FROM ih_house ORDER BY id") == [(1, "胡同里的四合院", 30000)]
    assert not NEW_COLUMNS & {c["name"] for c in inspect(db.engine).get_columns("ih_house")}
    assert _old_found("四合院") == [1]  # 0008's keyword table is back, filled
    run("UPDATE ih_house SET title = '新标题' WHERE id = 1")  # with its triggers
    assert _old_found("新标题") == [1] and _old_found("四合院") == []
    if db.engine.dialect.name == "sqlite":
        assert run("SELECT name FROM sqlite_master WHERE name = 'ih_house_fts'") == [("ih_house_fts",)]
    else:
        assert run("SELECT indexname FROM pg_indexes WHERE indexname = 'ix_house_description_trgm'") == []
    run("DELETE FROM ih_house")
