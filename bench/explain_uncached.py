"""The dated district search's two queries (issue 14's uncached search) before and after migration 0014.

    python -m bench.explain_uncached postgresql 100000 1000000      # or: sqlite 10000 100000
    EXPLAIN_URL=postgresql+psycopg://... python -m bench.explain_uncached postgresql   # data already there

A fresh database (a private PostgreSQL cluster, or a SQLite file) gets bench.generate's houses, orders
and calendars. Then, ROUNDS times, the database is moved to revision 0013 ("before": ``ix_house_area_stay``)
and back to the head ("after": ``ix_house_area_visible_stay``), and each case's count and first page run
5 times by the current search module (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)'s execution time; SQLite:
wall time). Printed: the median per case and side, and, for the last round, each count's whole plan and
the page plans' scans. Alternating the sides on the same data lets a busy machine's drift fall on both.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from bench.generate import generate
from bench.scratch import scratch_app

ROUNDS = 3
RUNS = 5
BEFORE = "0013"


def cases() -> list[tuple[str, dict, str]]:
    sd = date.today() + timedelta(days=20)
    stay = {"sd": sd, "ed": sd + timedelta(days=2)}
    week = {"sd": sd + timedelta(days=30), "ed": sd + timedelta(days=35)}
    return [(f"aid 3, 2 nights, sk={sort}", {"aid": 3, **stay}, sort)
            for sort in ("new", "booking", "price-inc", "price-des")] + [
        ("aid 7, 5 nights, sk=new", {"aid": 7, **week}, "new"),
    ]


def _plan(kind: str, sql: str) -> tuple[float, list[str]]:
    from ihome.extensions import db

    if kind == "postgresql":
        plan = [row[0] for row in db.session.execute(db.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).all()]
        return float(next(p for p in plan if p.startswith("Execution Time")).split()[2]), plan
    start = time.perf_counter()
    db.session.execute(db.text(sql)).all()
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)).all()]


def explain(kind: str, side: str, *, show: bool) -> None:
    """Each case's count and page medians at the database's current revision."""
    from ihome.extensions import db
    from ihome.houses.search import count_query, search_query

    for name, base, sort in cases():
        for part, query in (("count", count_query(**base)), ("page", search_query(**base, sort=sort).limit(10))):
            sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            runs = [_plan(kind, sql) for _ in range(RUNS)]
            plan = runs[-1][1]
            print(f"{side:<6} {name:<28} {part:<5} median {statistics.median(t for t, _ in runs):7.2f} ms", flush=True)
            if show and (part == "count" or kind != "postgresql"):
                print("\n".join("    " + line for line in plan), flush=True)
            elif show:
                print("    " + " / ".join(p.strip() for p in plan if "Scan" in p or "Sort" in p)[:400], flush=True)
        db.session.rollback()


@contextmanager
def _app(kind: str, houses: int, orders: int) -> Iterator[Any]:
    """A scratch database with generated data, or EXPLAIN_URL's (already generated, at the head revision)."""
    if os.environ.get("EXPLAIN_URL"):
        from ihome import create_app

        print(f"[{kind}] the database of EXPLAIN_URL; medians of {RUNS} runs", flush=True)
        yield create_app({"IHOME_ENV": "testing", "DATABASE_URL": os.environ["EXPLAIN_URL"],
                          "INSTANCE_PATH": tempfile.mkdtemp(), "REDIS_URL": "unix:///nonexistent.sock?db=0",
                          "LOG_LEVEL": "ERROR"})
        return
    with scratch_app(kind, prefix="ihome-explain-uncached-") as (app, _url):
        print(f"[{kind}] {houses:,} houses, {orders:,} orders, with calendars; medians of {RUNS} runs", flush=True)
        generate(app, houses=houses, orders=orders)
        yield app


def main(argv: list[str]) -> int:
    from flask_migrate import downgrade, upgrade

    from ihome.extensions import db

    kind = argv[0] if argv else "sqlite"
    houses = int(argv[1]) if len(argv) > 1 else 10_000
    orders = int(argv[2]) if len(argv) > 2 else houses * 10
    with _app(kind, houses, orders) as app, app.test_request_context("/"):
        for round_ in range(1, ROUNDS + 1):
            for side, revision in (("before", BEFORE), ("after", "heads")):
                db.session.remove()
                (downgrade if side == "before" else upgrade)(revision=revision)
                print(f"-- round {round_}, {side} (revision {revision})", flush=True)
                explain(kind, side, show=round_ == ROUNDS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
