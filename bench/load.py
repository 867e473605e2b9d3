"""Load generators, to 127.0.0.1 only: a bounded Python one and ``wrk``.

``run``: each worker thread owns one ``http.client`` connection and takes the next URL from a
shared iterator until N requests are done; every latency is kept, so p50/p99 are exact. It can
send a different URL each time (uncached searches), but it is Python: on a small machine it takes
CPU from the server, so it measures latency, not throughput.
``run_wrk``: ``wrk`` (C, one thread) hammering one URL for a few seconds; p50/p99 from its
``--latency`` distribution. For the throughput of cached reads.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple


class Request(NamedTuple):
    """One request of the Python client beyond a plain GET (a booking: POST with a body and cookies)."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] | None = None


@dataclass
class Result:
    """What one scenario measured."""

    name: str
    requests: int
    concurrency: int
    seconds: float
    latencies: list[float]
    errors: int
    client: str = "python"
    percentiles: dict[float, float] | None = None  # ms, when the client reports them (wrk)
    statuses: dict[int, int] | None = None  # how many of each status other than 200/201 (Python client)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency in ms at ``fraction`` (nearest rank)."""
        if self.percentiles is not None:
            return self.percentiles.get(fraction, 0.0)
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))
        return ordered[index] * 1000


def run(name: str, port: int, paths: Iterable[str | Request], *, requests: int, concurrency: int,
        host: str = "127.0.0.1", headers: dict[str, str] | None = None) -> Result:
    """Send ``requests`` requests for ``paths`` (taken in order: a path is a GET, a ``Request`` says
    more) with ``concurrency`` connections (``headers`` added to each, e.g. a session cookie).
    A 200 or 201 answer is a success; anything else counts as an error."""
    if host not in {"127.0.0.1", "localhost"}:
        raise ValueError("the benchmark only talks to this machine")
    source: Iterator[str | Request] = iter(paths)
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}

    def next_path() -> str | Request | None:
        with lock:
            if remaining[0] <= 0:
                return None
            remaining[0] -= 1
            return next(source, None)  # a finite source ends the run early

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        failed = 0
        while (path := next_path()) is not None:
            started = time.perf_counter()
            item = path if isinstance(path, Request) else Request("GET", path)
            try:
                connection.request(item.method, item.path, body=item.body,
                                   headers={"Accept": "application/json", **(headers or {}), **(item.headers or {})})
                response = connection.getresponse()
                response.read()
                if response.status not in (200, 201):
                    failed += 1
                    with lock:
                        statuses[response.status] = statuses.get(response.status, 0) + 1
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
    return Result(name, requests, concurrency, time.perf_counter() - started, latencies, errors[0],
                  statuses=statuses or None)


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * WRK_UNITS[unit]


def parse_wrk(name: str, output: str, connections: int) -> Result:
    """A ``Result`` from ``wrk --latency`` output."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if done is None:
        raise RuntimeError(f"wrk printed no totals:\n{output}")
    requests, seconds = int(done.group(1)), _wrk_ms(done.group(2) + done.group(3)) / 1000
    percentiles = {int(p) / 100: _wrk_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return Result(name, requests, connections, seconds, [], errors, client="wrk", percentiles=percentiles)


def run_wrk(name: str, port: int, path: str, *, seconds: int, connections: int, host: str = "127.0.0.1") -> Result:
    """``wrk`` on one URL for ``seconds`` with ``connections`` keep-alive connections (one thread)."""
    if host not in {"127.0.0.1", "localhost"}:
        raise ValueError("the benchmark only talks to this machine")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    output = subprocess.run(
        [wrk, "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
         "--header", "Accept: application/json", f"http://{host}:{port}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout
    return parse_wrk(name, output, connections)


def floor_of(result: Result, floors: dict[tuple[str, int], float]) -> float | None:
    """The floor measured by the same client with the same number in flight (or the nearest number)."""
    same = [(abs(conc - result.concurrency), value) for (client, conc), value in floors.items()
            if client == result.client]
    return min(same)[1] if same else None


def table(results: list[Result], floors: dict[tuple[str, int], float] | None = None) -> str:
    """The results as a fixed-width text table; with ``floors``, each req/s also as a fraction of the
    floor endpoint measured by the same client (``× floor``)."""
    header = (f"{'scenario':<44} {'client':>6} {'requests':>8} {'conc':>4} {'errors':>6} {'req/s':>9} "
              f"{'× floor':>7} {'p50 ms':>8} {'p99 ms':>8}")
    lines = [header, "-" * len(header)]
    for r in results:
        floor = floor_of(r, floors or {})
        share = f"{r.throughput / floor:>7.3f}" if floor else f"{'':>7}"
        lines.append(f"{r.name:<44} {r.client:>6} {r.requests:>8} {r.concurrency:>4} {r.errors:>6} "
                     f"{r.throughput:>9.0f} {share} {r.percentile(0.50):>8.1f} {r.percentile(0.99):>8.1f}")
    return "\n".join(lines)
