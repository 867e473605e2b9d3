"""The benchmark's smoke run (``make bench-smoke``): a tiny ``make bench`` end to end.

Collected only with ``IHOME_BENCH_SMOKE=1``: it generates a database, starts ``ihome serve`` and runs
wrk and the mixed run for a couple of minutes, so it is not part of the default suite.
"""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("IHOME_BENCH_SMOKE") == "1" else ["test_*.py"]
