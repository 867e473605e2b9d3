"""Uncached dated district search, 8 in flight, by two source trees' servers in turn on one database.

    python -m bench.alternate_uncached sqlite:////path/bench.db /path/to/before/src /path/to/after/src [ROUNDS]

Both servers (``ihome serve``, 4 workers x 2 threads, each its own embedded Redis, ``PYTHONPATH`` = its src)
run on the same generated database; each round measures the floor and then 100 searches no one asked
before (bench.run's ``unique_searches``), 8 in flight, on one server and then on the other. A shared
machine's load moves within a minute: measuring the two sides within seconds of each other, in turn,
lets the drift fall on both, and each side's search rate is also shown as a fraction of its own floor.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from bench.load import run
from bench.run import FLOOR, server, unique_searches

SEARCHES, FLOORS = 100, 1000


def main(argv: list[str]) -> int:
    url, trees = argv[0], argv[1:3]
    rounds = int(argv[3]) if len(argv) > 3 else 4
    rng = random.Random(14)
    servers = []
    for side, src in zip(("before", "after"), trees, strict=True):
        live = server(Path(tempfile.mkdtemp(prefix=f"ihome-alt-{side}-")), url, 4, 2)
        live.env["PYTHONPATH"] = src
        servers.append((side, live.start()))
    try:
        for round_ in range(1, rounds + 1):
            for side, live in servers:
                floor = run("floor", live.port, [FLOOR] * FLOORS, requests=FLOORS, concurrency=8)
                search = run("search", live.port, unique_searches(rng, "new", SEARCHES, 100_000),
                             requests=SEARCHES, concurrency=8)
                rate, base = search.throughput, floor.throughput
                print(f"round {round_} {side:<6} floor {base:7.0f} req/s  search {rate:5.1f} req/s "
                      f"p50 {search.percentile(0.5):6.1f} ms  x floor {rate / base:.4f}  errors {search.errors}",
                      flush=True)
    finally:
        for _side, live in servers:
            live.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
