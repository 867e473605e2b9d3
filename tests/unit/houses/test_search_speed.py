"""What keeps search fast (issue 4, item 9): its indexes exist, a cached search touches no database,
the district check still answers on a miss, and the benchmark's server can drop its access log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect

from ihome.core import clock
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.search import search_houses
from ihome.runtime import gunicorn_command
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.sql import statements_of


def test_a_cached_search_sends_no_sql(app_ctx, redis):
    sd = clock.today() + timedelta(days=3)
    house = make_house(area_id=4)
    make_order(house=make_house(area_id=4), start=sd, nights=2)
    first = search_houses(area_id=4, start=sd, end=sd + timedelta(days=2))
    assert [h["house_id"] for h in first["houses"]] == [house.id]
    db.session.expunge_all()  # nothing left in the identity map to answer a district lookup for free
    again: list[dict] = []
    assert statements_of(lambda: again.append(search_houses(area_id="4", start=str(sd),
                                                          end=str(sd + timedelta(days=2))))) == []
    assert again == [first]


def test_an_unknown_district_is_checked_on_every_miss(app_ctx, redis):
    with pytest.raises(Invalid) as error:
        search_houses(area_id=999)
    assert list(error.value.fields) == ["aid"]
    with pytest.raises(Invalid):  # nothing was cached for it
        search_houses(area_id=999)


def test_an_unknown_district_is_reported_with_the_other_bad_fields(app_ctx):
    with pytest.raises(Invalid) as error:
        search_houses(area_id=999, sort="random", page=0)
    assert list(error.value.fields) == ["aid", "sk", "p"]


def test_the_search_indexes_exist(app_ctx):
    inspector = inspect(db.session.get_bind())
    houses = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("ih_house")}
    assert houses["ix_house_area_stay"] == ["area_id", "min_days", "max_days", "id"]
    assert houses["ix_house_area_orders"] == ["area_id", "order_count", "id"]
    orders = {ix["name"] for ix in inspector.get_indexes("ih_order")}
    assert "ix_order_active_house_end" in orders
    assert ("ix_order_active_stay" in orders) == (db.session.get_bind().dialect.name == "postgresql")


def test_gunicorn_access_log_can_be_turned_off():
    assert "--access-logfile" in gunicorn_command("127.0.0.1", 5000, 2)
    quiet = gunicorn_command("127.0.0.1", 5000, 4, 2, access_log=False)
    assert "--access-logfile" not in quiet and quiet[quiet.index("--workers") + 1] == "4"
