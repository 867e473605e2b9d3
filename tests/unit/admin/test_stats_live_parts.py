"""What keeps a dashboard request cheap (issue 10): closed days are read from the rollup, only today is
computed live, and a time series of one metric reads today only from that metric's sources. Each source
gives exactly its own figures, so the reduced computation agrees with the full one."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest

from ihome.admin import figures, rollups, stats
from ihome.admin.models import FIGURES
from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.sql import statements_of
from tests.support.stats_marketplace import D1, LAST_CLOSED, request_today

ROLLUP = "ih_stats_daily"


def sources(statements: list[str]) -> list[str]:
    """The first table of each query's own FROM (subqueries and the test's savepoints left out)."""
    found = []
    for sql in statements:
        if sql.startswith(("SAVEPOINT", "RELEASE")):
            continue
        while re.search(r"\([^()]*\)", sql):
            sql = re.sub(r"\([^()]*\)", "", sql)
        found.append(re.search(r"\bFROM (\w+)", sql).group(1))  # type: ignore[union-attr]
    return found


# sqlite_stat1 of bench.generate's database (100,000 houses, 1,000,000 orders, after ANALYZE): SQLite picks
# indexes by these statistics, and guesses without them; with them a test's few rows are planned as at scale
# (as PostgreSQL's tests forbid seq scans)
AT_SCALE = [
    ("ih_house", "ix_house_area_created", "100000 6250 1"),
    ("ih_house", "ix_house_area_visible_stay", "100000 6250 6250 6250 2084 1042 3 1"),
    ("ih_house", "ix_house_created", "100000 1"),
    ("ih_house", "ix_house_listed_area_created", "100000 6250 1 1"),
    ("ih_house", "ix_ih_house_user_id", "100000 20"),
    ("ih_order", "ix_order_booked_end", "670507 1242 258"),
    ("ih_order", "ix_order_booked_length", "670507 134102"),
    ("ih_order", "ix_order_status_created", "1000000 166667 142"),
    ("ih_user", "ix_user_create_time", "10000 1"),
    ("ih_user", None, "10000"),
]


def sqlite_plan_at_scale(statement, params: dict) -> list[str]:
    """SQLite's plan of ``statement`` with the statistics of 100,000 houses and 1,000,000 orders."""
    connection = db.session.connection()
    db.session.execute(db.text("ANALYZE"))  # creates sqlite_stat1
    db.session.execute(db.text("DELETE FROM sqlite_stat1"))
    for table, index, stat in AT_SCALE:
        db.session.execute(db.text("INSERT INTO sqlite_stat1 VALUES (:table, :index, :stat)"),
                           {"table": table, "index": index, "stat": stat})
    db.session.execute(db.text("ANALYZE sqlite_schema"))  # reloads the statistics
    compiled = statement.compile(dialect=connection.dialect)
    values = compiled.construct_params(params)
    arguments = tuple(str(values[name]) for name in compiled.positiontup or ())
    return [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", arguments)]


def test_every_figure_comes_from_one_source():
    names = [name for part in figures.PARTS.values() for name in part]
    assert sorted(names) == sorted(FIGURES)
    assert len(names) == len(set(names))


def test_each_source_alone_gives_exactly_its_figures(market, now_after):
    full, _gone = figures.compute(D1, LAST_CLOSED)
    for part, names in figures.PARTS.items():
        alone, _gone = figures.compute(D1, LAST_CLOSED, figures=names)
        expected = {key: +Counter({name: values[name] for name in names}) for key, values in full.items()}
        assert {key: +values for key, values in alone.items() if +values} == \
            {key: values for key, values in expected.items() if values}, part
        assert any(+values for values in alone.values()), part  # the marketplace has some of each


@pytest.mark.parametrize(("metric", "read_today"), [
    ("gmv", ["ih_payment"]),
    ("net_gmv", ["ih_payment", "ih_refund"]),
    ("bookings.requested", ["ih_order_event"]),
    ("acceptance_rate", ["ih_order_event"]),
    ("occupancy_rate", ["ih_order", "ih_house", "ih_house"]),  # booked stays; listings of today and before
    ("adr", ["ih_order"]),
    ("active_listings", ["ih_house", "ih_house"]),
    ("new_listings", ["ih_house"]),  # today's new houses, not the count of every house
    ("new_users", ["ih_user"]),
    ("searches", []),  # Redis only
])
def test_a_series_reads_closed_days_from_the_rollup_and_today_only_from_its_sources(market, now_after, metric,
                                                                                       read_today):
    rollups.rebuild(since=D1)  # 03-01 to 03-09; today is 03-10
    today = clock.today()
    assert sources(statements_of(lambda: stats.timeseries(metric=metric, start=D1, end=today))) == \
        [ROLLUP, *read_today]
    yesterday = today - timedelta(days=1)
    assert sources(statements_of(lambda: stats.timeseries(metric=metric, start=D1, end=yesterday))) == [ROLLUP]


def test_todays_point_of_every_metric_equals_the_full_computation(market, now_after):
    rollups.rebuild(since=D1)
    request_today(market)
    today = clock.today()
    full = stats.summary(start=today, end=today)  # every source
    assert full["bookings"]["requested"] == 1
    for metric in stats.METRICS:
        series = stats.timeseries(metric=metric, start=D1, end=today)
        assert series["points"][-1] == {"date": today, "value": stats.metric_value(full, metric)}, metric


def test_booked_stays_come_through_an_index_and_their_districts_by_key(market, now_after):
    """Today's booked nights never read every house (a join hashed all of them on PostgreSQL: ~30 ms at
    100,000 houses for a day's ~2,000 stays): the stays come from an index, each district by its house's key."""
    statement = figures._statements()["booked"]
    compiled = statement.compile(dialect=db.session.get_bind().dialect)
    params = {"start": clock.today(), "end": clock.today()}
    connection = db.session.connection()
    if db.session.get_bind().dialect.name == "sqlite":
        plan = sqlite_plan_at_scale(statement, params)
        # check-outs bounded on both sides (by the longest booked stay, read from its own index), not every
        # future stay
        assert "SEARCH ih_order USING INDEX ix_order_booked_end (end_date>? AND end_date<?)" in plan, plan
        assert "SEARCH ih_order USING INDEX ix_order_booked_length" in plan, plan
        assert "SEARCH ih_house USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert not any(step.startswith("SCAN") for step in plan), plan
    else:
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a few rows: forbid scans, as search's tests
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", params))
        # With seq scans off, one still shows when no index can serve a table. Which index serves each
        # table is the planner's choice on a few rows (CI saw ix_order_booked_stay or a status index for
        # the orders, the primary key or migration 0014's covering index for the houses, at equal cost);
        # at 100,000 houses it is ix_order_booked_stay (bench/results/2026-12-07-stats-today-explain.txt).
        assert "Seq Scan" not in plan and "Join" not in plan, plan
        assert re.search(r"Index (Only )?Scan using \w+ on ih_house", plan), plan
        assert "Index Cond: (id = ih_order.house_id)" in plan, plan  # each stay's house by its key
    night = date(2030, 3, 5)  # o1's first night
    stays = [tuple(row) for row in figures.booked_stays(night, night)]
    assert len(stays) == 1
    assert stays == [tuple(row) for row in figures.booked_stays(D1, date(2030, 3, 31))
                     if row[2] <= night < row[2] + timedelta(days=row[3])]


def test_the_longest_booked_stay_still_counts_on_its_nights(market, now_after):
    """SQLite bounds its scan of booked stays by check-out with the longest booked stay: a stay longer than
    every other, begun a month ago, still books today's night; a stay that ended does not."""
    today = clock.today()
    house = make_house(area_id=2)
    long_stay = make_order(house=house, start=today - timedelta(days=30), nights=40, status=OrderStatus.PAID)
    ended = make_order(house=house, start=today - timedelta(days=40), nights=2, status=OrderStatus.PAID)
    stays = [tuple(row) for row in figures.booked_stays(today, today) if row[0] == house.id]
    assert [stay[2:4] for stay in stays] == [(long_stay.start_date, 40)]
    assert ended.start_date not in {stay[2] for stay in stays}
    assert figures.compute(today, today)[0][(today, 2)]["booked_nights"] == 1  # the market books nothing today


def test_todays_active_listings_are_counted_from_their_covering_index(market, now_after):
    """Every house is counted, from the index that holds the columns the count reads (migration 0016)."""
    statement = figures._statements()["listed_before"]
    connection = db.session.connection()
    params = {"lo": figures.day_start(clock.today())}
    if connection.dialect.name == "sqlite":
        plan = sqlite_plan_at_scale(statement, params)
        assert any(step.startswith("SEARCH ih_house USING COVERING INDEX ix_house_listed_area_created")
                   for step in plan), plan
        assert not any(step.startswith("SCAN") or "CORRELATED" in step for step in plan), plan  # no probe per house
    else:
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a few rows: as at 100,000 houses
        compiled = statement.compile(dialect=connection.dialect)
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}",
                                                                       compiled.construct_params(params)))
        assert re.search(r"(Index Only Scan using|Bitmap Index Scan on) ix_house_listed_area_created", plan), plan
        assert "Seq Scan on ih_house" not in plan, plan
