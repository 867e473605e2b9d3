"""What keeps search fast (issue 4, item 9): its indexes exist, a cached search touches no database,
the district check still answers on a miss, and the benchmark's server can drop its access log.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import SAWarning

from ihome.core import clock
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.search import count_query, search_houses
from ihome.runtime import gunicorn_command
from tests.factories.accounts import make_user
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
    assert houses["ix_house_area_visible_stay"] == ["area_id", "published", "listed", "min_days", "max_days",
                                                    "user_id", "id"]
    assert "ix_house_area_stay" not in houses  # replaced by the one above (0014)
    assert houses["ix_house_area_orders"] == ["area_id", "order_count", "id"]
    with warnings.catch_warnings():  # SQLite's expression index of stay lengths (0016) is not reflected
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        orders = {ix["name"] for ix in inspector.get_indexes("ih_order")}
    assert "ix_order_active_house_end" in orders
    assert ("ix_order_active_stay" in orders) == (db.session.get_bind().dialect.name == "postgresql")


def test_the_dated_district_count_reads_only_its_index(app_ctx):
    """Every house column the count needs (district, visibility, stay length, host, id) is in
    ix_house_area_visible_stay: PostgreSQL can count from the index alone, SQLite from a covering index;
    PostgreSQL finds the suspended hosts in ix_user_suspended (SQLite probes each host by its rowid)."""
    sd = clock.today() + timedelta(days=3)
    hosts = [make_user(verified=True).id for _ in range(7)]
    # enough houses in enough districts and of enough hosts that reading one district through an index pays
    db.session.execute(insert(House), [
        {"user_id": hosts[n % 7], "area_id": 1 + n % 16, "title": f"House {n}", "price": 20000, "address": "",
         "room_count": 1, "acreage": 40, "unit": "", "capacity": 2, "beds": "", "deposit": 0, "min_days": 1 + n % 3,
         "max_days": 0}
        for n in range(3000)])
    make_order(house=make_house(area_id=4), start=sd, nights=2)
    query = count_query(aid=4, sd=sd, ed=sd + timedelta(days=2))
    assert db.session.scalar(query) == sum(1 for n in range(3000) if n % 16 == 3 and 1 + n % 3 <= 2)
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), compiled.params
    if db.session.get_bind().dialect.name == "sqlite":
        plan = [row[-1] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", tuple(params.values()))]
        assert any(step.startswith("SEARCH ih_house USING COVERING INDEX ix_house_area_visible_stay (area_id=?")
                   for step in plan), plan
    else:
        # Statistics of this transaction's houses (rolled back with it), and what VACUUM would add on a
        # settled table: every page all-visible. Only then does an index-only scan read no row, so its index
        # wins whenever it holds every column the count reads. A table scan of a few pages would still be
        # cheaper: forbid it.
        db.session.execute(db.text("ANALYZE ih_house"))
        db.session.execute(db.text("UPDATE pg_class SET relallvisible = relpages WHERE relname = 'ih_house'"))
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            db.session.execute(db.text(f"SET LOCAL {setting} = off"))
        plan = [row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {sql}", params)]
        house_scans = [step.strip() for step in plan if " on ih_house " in step or step.endswith(" on ih_house")]
        assert house_scans and all(step.startswith("->  Index Only Scan using ix_house_area_visible_stay")
                                   or step.startswith("Index Only Scan using ix_house_area_visible_stay")
                                   for step in house_scans), "\n".join(plan)
        # the suspended hosts from their partial index, never a scan of every user
        assert any("Index Only Scan using ix_user_suspended on ih_user" in step for step in plan), "\n".join(plan)


def test_gunicorn_access_log_can_be_turned_off():
    assert "--access-logfile" in gunicorn_command("127.0.0.1", 5000, 2)
    quiet = gunicorn_command("127.0.0.1", 5000, 4, 2, access_log=False)
    assert "--access-logfile" not in quiet and quiet[quiet.index("--workers") + 1] == "4"


@pytest.mark.parametrize("sort", ["new", "booking", "price-inc", "price-des"])
def test_a_plain_search_runs_prebuilt_statements_that_answer_as_the_general_ones(app_ctx, sort):
    """A search without filters binds values into statements built once per process; they answer
    exactly what count_query and search_query answer, page by page, with and without district or dates."""
    from ihome.houses.search import Filters, _load, _prebuilt

    class General(Filters):
        empty = False  # the same search through count_query and search_query

    sd = clock.today() + timedelta(days=3)
    suspended = make_user(verified=True)
    for n in range(14):
        make_house(area_id=4 + n % 2, price=10000 + (n % 5) * 1000, order_count=n % 3, min_days=1 + n % 3,
                   commit=False)
    make_house(area_id=4, owner=suspended, commit=False)
    make_order(house=make_house(area_id=4), start=sd, nights=2)
    suspended.is_active = False
    db.session.commit()
    for aid, start, end in ((4, sd, sd + timedelta(days=2)), (None, sd, sd + timedelta(days=1)), (4, None, None)):
        for page in (1, 2, 3):
            plain = _load(aid, start, end, sort, page, 3, Filters())
            assert plain == _load(aid, start, end, sort, page, 3, General())
            assert plain["total"] > 0
    assert _prebuilt(district=True, dated=True, sort=sort) is _prebuilt(district=True, dated=True, sort=sort)
