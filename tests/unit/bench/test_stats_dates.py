"""The benchmark's statistics ask for the marketplace's dates, not the machine's (issue 10's regression):
whatever the hour of the run, every series ends on the marketplace's today (the day computed live), and a
day that closed since the rebuild is rolled up first, as the hourly beat job would."""

from __future__ import annotations

import random
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from bench.run import catch_up, stats_paths
from sqlalchemy import select

from ihome.admin import rollups
from ihome.admin.models import DailyStat
from ihome.admin.rollups import ALL_DISTRICTS
from ihome.core import clock
from ihome.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def rolled_days() -> set[date]:
    return set(db.session.scalars(select(DailyStat.day).where(DailyStat.area_id == ALL_DISTRICTS)))


def test_after_the_marketplace_midnight_the_closed_day_is_rolled_up_and_the_series_end_today(app_ctx):
    with clock.frozen(datetime(2030, 3, 10, 12, tzinfo=SHANGHAI)):
        rollups.rebuild(since=date(2030, 3, 1))
    assert max(rolled_days()) == date(2030, 3, 9)
    # 17:00 UTC on 10 March: the machine's date is still the 10th, the marketplace's is the 11th
    with clock.frozen(datetime(2030, 3, 10, 17, tzinfo=ZoneInfo("UTC"))):
        today = catch_up(app_ctx)
    assert today == date(2030, 3, 11)
    assert max(rolled_days()) == date(2030, 3, 10)  # closed since the rebuild: now read from the rollup
    _summaries, series = stats_paths(random.Random(1), 5, today)
    for path in series:
        query = parse_qs(urlsplit(path).query)
        assert query["end"] == ["2030-03-11"] and query["start"] == ["2029-03-11"]


def test_nothing_to_catch_up_on_the_same_marketplace_day(app_ctx):
    with clock.frozen(datetime(2030, 3, 10, 12, tzinfo=SHANGHAI)):
        rollups.rebuild(since=date(2030, 3, 8))
        before = rolled_days()
        assert catch_up(app_ctx) == date(2030, 3, 10)
    assert rolled_days() == before == {date(2030, 3, 8), date(2030, 3, 9)}
