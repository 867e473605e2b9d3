"""A bounded HTTP load generator: N requests over C keep-alive connections, to 127.0.0.1 only.

Each worker thread owns one ``http.client`` connection and takes the next URL from a shared
iterator until N requests are done; every latency is kept, so p50/p99 are exact.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass
class Result:
    """What one scenario measured."""

    name: str
    requests: int
    concurrency: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency in ms at ``fraction`` (nearest rank)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))
        return ordered[index] * 1000


def run(name: str, port: int, paths: Iterable[str], *, requests: int, concurrency: int,
        host: str = "127.0.0.1") -> Result:
    """Send ``requests`` GETs for ``paths`` (taken in order) with ``concurrency`` connections."""
    if host not in {"127.0.0.1", "localhost"}:
        raise ValueError("the benchmark only talks to this machine")
    source: Iterator[str] = iter(paths)
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    errors = [0]

    def next_path() -> str | None:
        with lock:
            if remaining[0] <= 0:
                return None
            remaining[0] -= 1
            return next(source)

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        failed = 0
        while (path := next_path()) is not None:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, requests, concurrency, time.perf_counter() - started, latencies, errors[0])


def table(results: list[Result]) -> str:
    """The results as a fixed-width text table."""
    header = f"{'scenario':<38} {'requests':>8} {'conc':>4} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(f"{r.name:<38} {r.requests:>8} {r.concurrency:>4} {r.errors:>6} {r.throughput:>9.0f} "
                     f"{r.percentile(0.50):>8.1f} {r.percentile(0.99):>8.1f}")
    return "\n".join(lines)
