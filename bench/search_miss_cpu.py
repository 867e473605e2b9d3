"""CPU time of uncached dated district searches in process, by two source trees in turn, on one SQLite file.

    python -m bench.search_miss_cpu /path/bench.db /path/to/before/src /path/to/after/src [ROUNDS] [SEARCHES]

The database is one bench.generate made (e.g. 100,000 houses / 1,000,000 orders). Each round runs each tree
in a fresh process (``PYTHONPATH`` = its src): SEARCHES random searches (district 1–16, check-in in the next
60 days, 1–5 nights, the four sorts in turn, page 1), each timed with ``time.process_time`` for the prebuilt
count, the prebuilt page and the whole miss (``search._load``), after 4 warm-up searches. Process CPU time,
not wall time: other tenants of a shared machine slow it far less. Printed: the medians per tree and round.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = r'''
import random, statistics, sys, tempfile, time
from datetime import date, timedelta
from ihome import create_app
app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": "sqlite:///" + sys.argv[1],
                  "INSTANCE_PATH": tempfile.mkdtemp(), "REDIS_URL": "unix:///nonexistent.sock?db=0",
                  "LOG_LEVEL": "ERROR"})
from ihome.extensions import db
from ihome.houses.search import Filters, _load, _prebuilt
rng, sorts = random.Random(1), ("new", "booking", "price-inc", "price-des")
times = {"count": [], "page": [], "miss": []}
with app.test_request_context("/"):
    for i in range(int(sys.argv[2])):
        aid, sd = rng.randint(1, 16), date.today() + timedelta(days=rng.randint(1, 60))
        ed, sort = sd + timedelta(days=rng.randint(1, 5)), sorts[i % 4]
        count, page = _prebuilt(district=True, dated=True, sort=sort)
        params = {"aid": aid, "sd": sd, "ed": ed, "nights": (ed - sd).days, "size": 10, "skip": 0}
        t0 = time.process_time(); total = db.session.scalar(count, params)
        t1 = time.process_time(); db.session.execute(page, params).all()
        t2 = time.process_time(); found = _load(aid, sd, ed, sort, 1, 10, Filters())
        t3 = time.process_time()
        assert found["total"] == total
        if i >= 4:
            for name, spent in (("count", t1 - t0), ("page", t2 - t1), ("miss", t3 - t2)):
                times[name].append(spent * 1000)
        db.session.rollback()
print("  ".join(f"{name} {statistics.median(spent):6.2f} ms" for name, spent in times.items()))
'''


def main(argv: list[str]) -> int:
    database, trees = argv[0], argv[1:3]
    rounds = int(argv[3]) if len(argv) > 3 else 3
    searches = argv[4] if len(argv) > 4 else "60"
    root = str(Path(__file__).resolve().parent.parent)
    for round_ in range(1, rounds + 1):
        for side, src in zip(("before", "after"), trees, strict=True):
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, root])}
            out = subprocess.run([sys.executable, "-c", CHILD, database, searches], env=env, check=True,
                                 capture_output=True, text=True).stdout.strip()
            print(f"round {round_} {side:<6} ({src}): {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
