"""Where a statistics request's time goes at scale: today's live parts, their plans, and whole requests.

    python -m bench.explain_stats postgresql+psycopg://postgres@/bench?host=/sock&port=5432
    python -m bench.explain_stats sqlite:////tmp/bench.db

The database must hold bench.generate's data (``python -m bench.generate URL HOUSES ORDERS INSTANCE``); the
rollup is brought up to yesterday first (a full rebuild the first time). Printed, each the median and the
maximum of RUNS: the time of each source of today's live figures (``figures.PARTS``, Redis counters left
out: no Redis here), each statement's plan (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY
PLAN), a 30-day summary ending today and one ending a week ago (rollup only), and a 366-day daily series of
every metric ending today.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

RUNS = 7


def timed(call: Callable[[], Any], runs: int = RUNS) -> tuple[float, float]:
    """(median, max) milliseconds of ``runs`` calls."""
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), max(spent)


def catch_up() -> None:
    from sqlalchemy import func, select

    from ihome.admin.models import DailyStat
    from ihome.admin.rollups import ALL_DISTRICTS, rebuild
    from ihome.core import clock
    from ihome.extensions import db

    today = clock.today()
    last = db.session.scalar(select(func.max(DailyStat.day)).where(DailyStat.area_id == ALL_DISTRICTS))
    since = today - timedelta(days=366) if last is None else last + timedelta(days=1)
    if since < today:
        started = time.perf_counter()
        rebuild(since=since)
        print(f"rollup from {since}: {time.perf_counter() - started:.1f} s", flush=True)


def plans() -> None:
    from ihome.admin import figures
    from ihome.core import clock
    from ihome.extensions import db

    today = clock.today()
    params = {"lo": figures.day_start(today), "hi": figures.day_start(today + timedelta(days=1)),
              "start": today, "end": today}
    connection = db.session.connection()
    dialect = connection.dialect
    for name, statement in figures._statements().items():
        compiled = statement.compile(dialect=dialect)
        wanted = {key: value for key, value in params.items() if key in compiled.binds}
        values = compiled.construct_params(wanted)
        print(f"\n-- {name}")
        if dialect.name == "postgresql":
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", values).all()
            print("\n".join(row[0] for row in rows))
        else:  # SQLite's plan does not depend on the values
            arguments = tuple(str(values[key]) for key in compiled.positiontup or ())
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", arguments).all()
            print("\n".join(row[-1] for row in rows))
        median, most = timed(lambda s=statement, w=wanted: db.session.execute(s, w).all())
        print(f"executed and fetched: median {median:.1f} ms, max {most:.1f} ms")


def parts() -> None:
    from ihome.admin import figures
    from ihome.core import clock

    today = clock.today()
    print("\ntoday's live sources (median / max ms):")
    for part, names in figures.PARTS.items():
        if part == "counters":
            continue
        median, most = timed(lambda n=names: figures.compute(today, today, figures=n, with_counters=False))
        print(f"  {part:<10} {median:7.1f} {most:7.1f}")


def requests() -> None:
    from ihome.admin import stats
    from ihome.core import clock

    today = clock.today()
    print("\nrequests (median / max ms):")
    for label, end in (("summary 30 days to today", today), ("summary 30 days to a week ago", today - timedelta(7))):
        median, most = timed(lambda e=end: stats.summary(start=e - timedelta(days=29), end=e))
        print(f"  {label:<40} {median:7.1f} {most:7.1f}")
    for metric in (*stats.METRICS, *stats.SERIES_ONLY):
        median, most = timed(lambda m=metric: stats.timeseries(metric=m, start=today - timedelta(days=365), end=today),
                             runs=3)
        print(f"  series 366 days {metric:<24} {median:7.1f} {most:7.1f}")


def main(url: str) -> None:
    import logging

    from ihome import create_app

    root = tempfile.mkdtemp(prefix="ihome-explain-stats-")
    app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": f"{root}/instance",
                      "REDIS_URL": f"unix://{root}/none.sock?db=0", "LOG_LEVEL": "ERROR"})
    logging.getLogger("ihome.admin.figures").setLevel(logging.ERROR)  # no Redis here: counters unreadable
    with app.app_context(), app.test_request_context():
        catch_up()
        plans()
        parts()
        requests()


if __name__ == "__main__":
    main(sys.argv[1])
