"""``make bench`` at a tiny scale: every row is measured without errors, as a fraction of the floor,
and the mixed run reports the search cache hit ratio. Figures are printed, never asserted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMOKE = {"BENCH_HOUSES": "2000", "BENCH_ORDERS": "20000", "BENCH_DBS": "sqlite", "BENCH_REQUESTS": "40",
         "BENCH_SECONDS": "1", "BENCH_RUNS": "1", "BENCH_FLOOR_REQUESTS": "200", "BENCH_BOOKINGS": "40",
         "BENCH_MIXED_SECONDS": "4", "BENCH_MIXED_SEARCHES": "40", "BENCH_STATS_REQUESTS": "10",
         "BENCH_LABEL": "smoke"}


@pytest.mark.server
def test_a_small_bench_run_measures_every_row(tmp_path):
    env = {**os.environ, **SMOKE, "BENCH_RESULTS": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = next(tmp_path.glob("*-sqlite-smoke.txt")).read_text()
    print(report)
    rows = re.findall(r"^(.+?)\s+(python|wrk)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+\.\d{3})?", report, re.M)
    names = {row[0] for row in rows}
    for expected in ("floor /api/v1.0/_floor", "detail cached", "booking distinct houses, 8 in flight",
                     "mixed 5% bookings: search", "read only: search", "house page /houses/<id> (HTML)"):
        assert expected in names, report
    assert all(row[4] == "0" for row in rows), report  # no errors anywhere
    assert all(row[6] for row in rows if not row[0].startswith("stats")), report  # each a fraction of the floor
    assert re.search(r"mixed 5% bookings .*search cache hit ratio \d+\.\d%", report), report
