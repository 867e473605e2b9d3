"""Every figure of a hand-built marketplace, live and from the rollup; the rollup's idempotence."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ihome.admin import counters, rollups, stats
from ihome.admin.models import FIGURES, DailyStat
from ihome.core import clock
from ihome.extensions import db as database
from ihome.payments.models import Refund
from tests.support.payments_fixtures import run_task
from tests.support.stats_marketplace import AFTER, D1, D2, D3, EXPECTED, LAST_CLOSED, request_today


def as_json(summary: dict) -> dict:
    return {**summary, "start": summary["start"].isoformat(), "end": summary["end"].isoformat()}


def snapshot() -> list[tuple]:
    rows = database.session.scalars(select(DailyStat).order_by(DailyStat.day, DailyStat.area_id))
    return [(row.day, row.area_id, *(getattr(row, name) for name in FIGURES)) for row in rows]


def test_every_summary_figure_live(market, now_after):
    assert as_json(stats.summary(start=D1, end=D3)) == EXPECTED


def test_every_summary_figure_from_the_rollup(market, now_after):
    rollups.rebuild(since=D1)
    assert {row[0] for row in snapshot()} == {D1 + timedelta(days=n) for n in range(9)}  # to yesterday
    assert as_json(stats.summary(start=D1, end=D3)) == EXPECTED


def test_rollup_and_live_agree_on_every_metric_and_day(market, now_after):
    live = {(metric, aid): stats.timeseries(metric=metric, start=D1, end=LAST_CLOSED, aid=aid)
            for metric in (*stats.METRICS, *stats.SERIES_ONLY) for aid in (None, 1, 2)}
    rollups.rebuild(since=D1)
    for (metric, aid), series in live.items():
        assert stats.timeseries(metric=metric, start=D1, end=LAST_CLOSED, aid=aid) == series, (metric, aid)


def test_districts_filter(market, now_after):
    one = stats.summary(start=D1, end=D3, aid=1)
    two = stats.summary(start=D1, end=D3, aid=2)
    assert one["bookings"] == {"requested": 3, "accepted": 3, "rejected": 0, "expired": 0, "cancelled_by_guest": 0,
                               "cancelled_by_host": 1, "paid": 2, "completed": 1}
    assert two["bookings"] == {"requested": 5, "accepted": 3, "rejected": 1, "expired": 2, "cancelled_by_guest": 2,
                               "cancelled_by_host": 0, "paid": 1, "completed": 0}
    assert (one["gmv"], one["refunds"], two["gmv"], two["refunds"]) == (52500, 0, 63000, 30000)
    assert (one["occupancy_rate"], one["adr"], one["active_listings"]) == (0.6667, 10000, 1)
    assert (two["occupancy_rate"], two["adr"], two["active_listings"]) == (0.0, None, 2)
    assert (one["acceptance_rate"], two["acceptance_rate"]) == (1.0, 0.6)  # 3/3; 3/(3 + 1 + 1)
    assert (one["searches"], one["detail_views"], two["searches"], two["detail_views"]) == (2, 1, 0, 3)
    assert (one["new_users"], one["new_hosts"], two["new_hosts"], two["new_listings"]) == (0, 1, 1, 2)


def test_districts_table(market, now_after):
    rows = {row["aid"]: row for row in stats.districts(start=D1, end=D3)["districts"]}
    assert len(rows) == 16
    assert {k: v for k, v in rows[1].items() if k != "aname"} == {
        "aid": 1, "active_listings": 1, "booked_nights": 2, "occupancy_rate": 0.6667, "adr": 10000, "gmv": 52500}
    assert {k: v for k, v in rows[2].items() if k != "aname"} == {
        "aid": 2, "active_listings": 2, "booked_nights": 0, "occupancy_rate": 0.0, "adr": None, "gmv": 63000}
    assert rows[3]["occupancy_rate"] is None and rows[3]["active_listings"] == 0


def test_time_series_by_day_week_and_month(market, now_after):
    requested = stats.timeseries(metric="bookings.requested", start=D1, end=D3, interval="day")
    assert requested == {"metric": "bookings.requested", "interval": "day",
                         "points": [{"date": D1, "value": 5}, {"date": D2, "value": 2}, {"date": D3, "value": 1}]}
    nights = stats.timeseries(metric="booked_nights", start=D1, end=date(2030, 3, 8))["points"]
    assert [point["value"] for point in nights] == [1, 1, 0, 0, 1, 1, 1, 0]  # o8, then o1 from 03-05
    gmv = stats.timeseries(metric="gmv", start=date(2030, 2, 20), end=date(2030, 3, 12), interval="week")["points"]
    # 2030-02-20 is a Wednesday: the first week is clipped to the range, the others start on Mondays
    assert gmv == [{"date": date(2030, 2, 20), "value": 0}, {"date": date(2030, 2, 25), "value": 115500},
                   {"date": date(2030, 3, 4), "value": 0}, {"date": date(2030, 3, 11), "value": 0}]
    months = stats.timeseries(metric="occupancy_rate", start=date(2030, 2, 1), end=date(2030, 3, 31),
                              interval="month")["points"]
    # February: no houses yet (null); March: o8's 2 nights + o1's 3 nights over 3 houses x 31 days
    assert months == [{"date": date(2030, 2, 1), "value": None}, {"date": date(2030, 3, 1), "value": 0.0538}]


def test_rebuild_twice_changes_nothing(market, now_after):
    _days, changed = rollups.rebuild(since=D1)
    assert changed == 9 * 18  # 9 days x (16 districts + district 0 + the whole marketplace)
    first = snapshot()
    assert rollups.rebuild(since=D1) == (9, 0)
    assert snapshot() == first


def test_counters_are_kept_once_redis_forgets_them(market, now_after, redis):
    rollups.rebuild(since=D1)
    for day in (D2, D3):
        redis.delete(counters.searches_key(day), counters.views_key(day))
    assert rollups.rebuild(since=D1) == (9, 0)
    assert stats.summary(start=D1, end=D3)["searches"] == 3


def test_a_late_refund_is_counted_on_its_own_day_by_the_reroll(market, app, now_after):
    rollups.rebuild(since=D1)
    refund = database.session.scalars(select(Refund)).one()
    with clock.frozen(AFTER - timedelta(days=2)):  # 03-08: changed again (a correction)
        refund.amount = 25000
        database.session.commit()
    assert stats.summary(start=D1, end=LAST_CLOSED)["refunds"] == 30000  # the rollup still says 03-03
    import ihome.admin.tasks  # noqa: F401 - declares the task (the worker imports it through Celery's imports)

    assert run_task(app, "ihome.admin.roll_up_stats") > 0  # re-rolls 03-03..03-09
    assert stats.summary(start=D3, end=D3)["refunds"] == 0
    assert stats.summary(start=date(2030, 3, 8), end=date(2030, 3, 8))["refunds"] == 25000


def test_today_is_live_on_top_of_the_rollup(market, app, now_after):
    rollups.rebuild(since=D1)
    request_today(market)
    today = clock.today()
    assert stats.summary(start=today, end=today)["bookings"]["requested"] == 1
    assert stats.summary(start=D1, end=today)["bookings"]["requested"] == 9


def test_stats_rebuild_command(market, app, now_after):
    from ihome.cli import main

    result = app.test_cli_runner().invoke(main, ["stats", "rebuild", "--since", "2030-03-01"])
    assert result.exit_code == 0, result.output
    assert "rolled up 9 day(s); 162 row(s) changed" in result.output
    again = app.test_cli_runner().invoke(main, ["stats", "rebuild", "--since", "2030-03-01"])
    assert "0 row(s) changed" in again.output


def test_a_redis_outage_keeps_the_counts_and_the_figures_answer(market, now_after, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    rollups.rebuild(since=D1)

    def unreachable(day):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(counters, "read_day", unreachable)
    assert rollups.rebuild(since=D1) == (9, 0)
    assert stats.summary(start=D1, end=clock.today())["searches"] == 3  # today's counts unknown: none
