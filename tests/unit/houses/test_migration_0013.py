"""Migration 0013 on a database that already holds houses, on the database under test: the grams of
existing houses are filled, the triggers keep them for raw SQL inserts, updates and deletes, the short
keyword finds exactly what the substring rule finds, and the downgrade removes the tables and triggers."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.support.migrations import fixture_at, run

HOUSE = ("INSERT INTO ih_house (id, user_id, area_id, title, price, address, room_count, acreage, unit, capacity, "
         "beds, deposit, min_days, max_days, order_count, rating_sum, rating_count, booking_version, listed, "
         "description, house_rules, check_in_time, check_out_time, published, create_time, update_time) "
         "VALUES (:id, 1, 1, :title, 30000, :address, 1, 40, '', 2, '', 0, 1, 0, 0, 0, 0, 0, true, :description, "
         "'', '14:00', '12:00', true, :now, :now)")

old_app = fixture_at("0012")


def _house(id_: int, title: str, address: str = "", description: str = "") -> None:
    run(HOUSE, id=id_, title=title, address=address, description=description)


def _grams(house_id: int) -> set[str]:
    return {row[0] for row in run("SELECT gram FROM ih_house_gram WHERE house_id = :h", h=house_id) or []}


def _found(word: str) -> list[int]:
    from ihome.extensions import db
    from ihome.houses.keyword import keyword_condition
    from ihome.houses.models import House

    with db.engine.connect() as connection:
        query = House.__table__.select().with_only_columns(House.id).where(
            keyword_condition(word, db.engine.dialect.name)).order_by(House.id)
        return [row[0] for row in connection.execute(query)]


def test_grams_are_filled_kept_by_triggers_and_removed_by_the_downgrade(old_app):
    from ihome.extensions import db

    run("INSERT INTO ih_area (id, name, create_time, update_time) VALUES (1, '朝阳区', :now, :now)")
    run("INSERT INTO ih_user (id, name, mobile, password_hash, is_active, is_admin, create_time, update_time) "
        "VALUES (1, '用户0001', '13800000001', 'x', true, false, :now, :now)")
    _house(1, "望京Ab居", "朝阳区", "近地铁")
    upgrade(revision="0013")
    assert "ix_house_gram_house" in {index["name"] for index in inspect(db.engine).get_indexes("ih_house_gram")}

    # every 2-character substring of each text, and each text's last character, ASCII folded
    assert _grams(1) == {"望京", "京a", "ab", "b居", "居", "朝阳", "阳区", "区", "近地", "地铁", "铁"}
    assert _found("望京") == [1] and _found("AB") == [1] and _found("居") == [1] and _found("阳") == [1]
    assert _found("区朝") == []  # never across the title/address boundary

    _house(2, "三里屯公寓", "", "")  # the insert trigger
    assert _grams(2) == {"三里", "里屯", "屯公", "公寓", "寓"}
    assert _found("公寓") == [2]
    run("UPDATE ih_house SET title = '望京小院' WHERE id = 2")  # the update trigger forgets the old text
    assert _found("公寓") == [] and _found("望京") == [1, 2] and _found("院") == [2]
    run("UPDATE ih_house SET price = 1 WHERE id = 2")  # other columns leave the grams alone
    assert _grams(2) == {"望京", "京小", "小院", "院"}
    run("DELETE FROM ih_house WHERE id = 2")  # the delete trigger / the cascade
    assert _grams(2) == set() and _found("望京") == [1]

    downgrade(revision="0012")
    tables = set(inspect(db.engine).get_table_names())
    assert "ih_house_gram" not in tables and "ih_gram_position" not in tables
    _house(3, "downgraded")  # no trigger is left behind naming the dropped table
    assert run("SELECT title FROM ih_house WHERE id = 3") == [("downgraded",)]
