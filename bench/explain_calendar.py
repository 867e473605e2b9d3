"""Search with the hosts' calendars (issue 12): the plans and times of search's two queries on generated data
with blocks and nightly prices, by the current code and (optionally) by an older checkout, on the same data.

    python -m bench.explain_calendar postgresql 100000 1000000 [BEFORE_SRC]   # or: sqlite 10000 100000

A fresh database (a private PostgreSQL cluster, or a SQLite file) gets the houses and orders of
bench.generate with its calendars (~5 % of houses blocked for a while, 1 % with imported busy ranges,
5 % with their own prices). Each case's count and first page run 5 times (PostgreSQL: EXPLAIN ANALYZE's
execution time; SQLite: wall time); the median and the plan's scans are printed. With BEFORE_SRC (a
checkout of the code before this change, e.g. ``git archive <commit> | tar -x -C DIR``) the same cases
are explained again by that code's search module against the same database, alternating with the current
code three times (each side in a process of its own).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.explain_search import timed
from bench.generate import generate
from bench.scratch import scratch_app

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def cases() -> list[tuple[str, dict, str]]:
    sd = date.today() + timedelta(days=20)
    stay = {"sd": sd, "ed": sd + timedelta(days=2)}
    week = {"sd": sd + timedelta(days=30), "ed": sd + timedelta(days=37)}
    return [(f"aid 3, 2 nights, sk={sort}", {"aid": 3, **stay}, sort)
            for sort in ("new", "booking", "price-inc", "price-des")] + [
        ("aid 7, 7 nights, sk=new", {"aid": 7, **week}, "new"),
        ("no district, 2 nights, sk=price-inc", {"aid": None, **stay}, "price-inc"),
    ]


def explain(url: str, kind: str, label: str) -> None:
    """Print each case's count and page medians, as the importable ``ihome`` builds them."""
    from ihome import create_app
    from ihome.extensions import db
    from ihome.houses.search import count_query, search_query

    app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp(),
                      "REDIS_URL": "unix:///nonexistent.sock?db=0", "LOG_LEVEL": "ERROR"})
    with app.test_request_context("/"):
        for name, base, sort in cases():
            for part, query in (("count", count_query(**base)), ("page", search_query(**base, sort=sort).limit(10))):
                sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
                median, plan = timed(kind, sql)
                steps = [p.strip() for p in plan if any(w in p for w in ("Scan", "SCAN", "SEARCH", "Anti"))]
                print(f"{label:<6} {name:<38} {part:<5} median {median:7.2f} ms | " + " / ".join(steps[:5])[:260],
                      flush=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--explain":  # the child process: explain with whatever ``ihome`` is importable
        explain(argv[1], argv[2], argv[3])
        return 0
    kind = argv[0] if argv else "sqlite"
    houses = int(argv[1]) if len(argv) > 1 else 10_000
    orders = int(argv[2]) if len(argv) > 2 else houses * 10
    before = argv[3] if len(argv) > 3 else None
    with scratch_app(kind, prefix="ihome-explain-calendar-") as (app, url):
        print(f"[{kind}] {houses:,} houses, {orders:,} orders, with calendars", flush=True)
        generate(app, houses=houses, orders=orders)
        # alternate the two codes a few times: a busy machine's load drifts, and each side gets every phase
        sides = [("before", str(Path(before) / "src")), ("after", str(ROOT / "src"))] if before else [
            ("after", str(ROOT / "src"))]
        for _ in range(ROUNDS):
            for label, src in sides:
                env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(ROOT)])}
                subprocess.run([sys.executable, "-m", "bench.explain_calendar", "--explain", url, kind, label],
                               env=env, check=True, cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
