"""The plans and times of keyword and multi-filter search queries on generated data (issue 13).

    python -m bench.explain_search postgresql 100000    # or: sqlite 10000

A fresh database (a private PostgreSQL cluster, or a SQLite file) gets N houses and N orders from
bench.generate; each query's count and first page run 5 times (PostgreSQL: EXPLAIN ANALYZE's
execution time; SQLite: wall time) and the median and the first plan lines are printed.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta

from bench.generate import generate
from bench.scratch import scratch_app

RUNS = 5


def cases() -> list[tuple[str, dict, dict]]:
    sd = date.today() + timedelta(days=20)
    stay = {"sd": sd, "ed": sd + timedelta(days=2)}
    multi = {"guests": 2, "min_price": 30000, "max_price": 90000, "fac": "1"}
    return [
        ("keyword 3 chars 三里屯, no district", {"aid": None, **stay}, {"q": "三里屯"}),
        ("keyword place+kind 望京阳光两居", {"aid": None, **stay}, {"q": "望京阳光两居"}),
        ("keyword street 学院路", {"aid": None, **stay}, {"q": "学院路"}),
        ("keyword 2 chars 望京 (grams)", {"aid": None, **stay}, {"q": "望京"}),
        ("keyword 2 chars 学院, district 3 (grams)", {"aid": 3, **stay}, {"q": "学院"}),
        ("keyword 1 char 屯 (grams)", {"aid": None, **stay}, {"q": "屯"}),
        ("multi: aid 3, dates, guests 2, 300-900 yuan, fac 1", {"aid": 3, **stay}, multi),
        ("aid 3 + dates (the plain dated search, issue 14)", {"aid": 3, **stay}, {}),
        ("multi + keyword 北京市", {"aid": 3, **stay}, {**multi, "q": "北京市"}),
    ]


def timed(kind: str, sql: str) -> tuple[float, list[str]]:
    """The median time of ``sql`` in ms and its plan lines."""
    from ihome.extensions import db

    times: list[float] = []
    plan: list[str] = []
    for _ in range(RUNS):
        if kind == "postgresql":
            plan = [row[0] for row in db.session.execute(db.text("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)).all()]
            times.append(float(next(p for p in plan if p.startswith("Execution Time")).split()[2]))
        else:
            start = time.perf_counter()
            db.session.execute(db.text(sql)).all()
            times.append((time.perf_counter() - start) * 1000)
            plan = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)).all()]
    return statistics.median(times), plan


def main() -> int:
    from ihome.extensions import db
    from ihome.houses.search import count_query, normalize_filters, search_query

    kind = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    houses = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with scratch_app(kind, prefix="ihome-explain-") as (app, _url):
        generate(app, houses=houses, orders=houses, log=lambda *args: None)
        with app.test_request_context("/"):
            for name, base, raw in cases():
                filters = normalize_filters(**raw)
                for label, query in (("count", count_query(**base, filters=filters)),
                                     ("page", search_query(**base, sort="new", filters=filters).limit(10))):
                    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
                    median, plan = timed(kind, sql)
                    steps = [p.strip() for p in plan if any(w in p for w in ("Scan", "SCAN", "SEARCH", "Index"))]
                    print(f"{name:<52} {label:<5} median {median:7.2f} ms | " + " / ".join(steps[:6])[:300],
                          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
