"""``make bench-uploads``: do photo uploads stall other requests? (a benchmark, never a test)

Starts ``ihome serve --no-celery`` (gunicorn BENCH_WORKERS x BENCH_THREADS, default 2 x 4, as
``make run``) on a fresh SQLite instance, makes a verified host with a house, then times
``GET /api/v1.0/areas`` (a cached read) back to back from one client three ways:

- alone, for BENCH_SECONDS (default 5);
- during BENCH_BURSTS (3) bursts of BENCH_UPLOADERS (8) uploads sent at once, of the tester's
  image (a 6000x6600 PNG: 39.6 million pixels, refused from its header by the per-kind bound);
- the same with the heaviest photo still accepted (a 5000x5000 PNG, 25 million pixels, which
  must be decoded).

It prints p50, p95 and max latency of /areas and their ratio to the quiet run, what the uploads got
(201, 400, 503 ...), the longest burst, and the peak memory of the server's processes (gunicorn
master and workers, Redis), and writes the table to bench/results/<date>-uploads[-LABEL].txt.

    python -m bench.uploads                     # or: make bench-uploads
    BENCH_BURSTS=5 BENCH_LABEL=try python -m bench.uploads
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import requests
from PIL import Image, ImageDraw
from tests.support.live import LiveServer

RESULTS = Path(__file__).resolve().parent / "results"


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    """A PNG that compresses well (a few shapes), so only its pixel count makes it expensive."""
    image = Image.new(mode, size, 255 if mode == "1" else (230, 220, 200))
    if mode != "1":
        draw = ImageDraw.Draw(image)
        for i in range(0, min(size), 250):
            draw.rectangle((i, i, i + 120, i + 80), fill=(40 + i % 200, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=mode == "1")
    return buffer.getvalue()


def make_host_and_houses(server: LiveServer, count: int = 40) -> tuple[str, list[int]]:
    """A verified host and ``count`` houses (30 photos each at most), written into the server's database."""
    from tests.factories.accounts import make_user
    from tests.factories.houses import make_house

    from ihome import create_app
    from ihome.extensions import db

    app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": server.env["IHOME_DATABASE_URL"],
                      "INSTANCE_PATH": str(server.instance)})
    with app.app_context():
        host = make_user(verified=True)
        house_ids = [make_house(owner=host).id for _ in range(count)]
        mobile = host.mobile
        db.session.remove()
    return mobile, house_ids


def logged_in(server: LiveServer, mobile: str) -> requests.Session:
    from tests.factories.accounts import DEFAULT_PASSWORD

    session = requests.Session()
    session.get(server.url + "/healthz", timeout=10)
    session.headers["X-CSRFToken"] = session.cookies["csrf_token"]
    answer = session.post(server.url + "/api/v1.0/sessions", json={"mobile": mobile, "password": DEFAULT_PASSWORD},
                          timeout=10)
    answer.raise_for_status()
    return session


def server_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every process below it (gunicorn's workers), in MB."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    total = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


def time_areas(url: str, until: Callable[[], bool], minimum: float) -> list[float]:
    """Latencies (ms) of back-to-back GET /areas from one client until ``until()`` and ``minimum`` s."""
    session = requests.Session()
    session.get(url + "/api/v1.0/areas", timeout=30)  # warm the cache and the connection
    latencies = []
    started = time.monotonic()
    while time.monotonic() - started < minimum or not until():
        start = time.perf_counter()
        session.get(url + "/api/v1.0/areas", timeout=60)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def all_done(threads: list[threading.Thread]) -> bool:
    return not any(thread.is_alive() for thread in threads)


def scenario(server: LiveServer, sessions: list[requests.Session], houses: Iterator[int], image: bytes | None,
             *, seconds: float, bursts: int) -> dict:
    """/areas alone for ``seconds``, or during ``bursts`` bursts of one upload per session, all at once."""
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    root = server.process.pid  # type: ignore[union-attr]
    peak = [server_rss_mb(root)]
    stop = threading.Event()

    def watch_memory() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], server_rss_mb(root))
            time.sleep(0.1)

    def upload(session: requests.Session, house_id: int, start: threading.Barrier) -> None:
        start.wait()
        try:
            answer = session.post(f"{server.url}/api/v1.0/houses/{house_id}/images",
                                  files={"house_image": ("p.png", image or b"", "image/png")}, timeout=120)
            outcomes[str(answer.status_code)] += 1
        except requests.RequestException as error:
            outcomes[type(error).__name__] += 1
            errors.append(repr(error)[:200])

    watcher = threading.Thread(target=watch_memory)
    watcher.start()
    latencies: list[float] = []
    durations: list[float] = []
    if image is None:
        latencies = time_areas(server.url, lambda: True, seconds)
    for _ in range(bursts if image is not None else 0):
        start = threading.Barrier(len(sessions))
        uploads = [threading.Thread(target=upload, args=(session, next(houses), start)) for session in sessions]
        began = time.monotonic()
        for thread in uploads:
            thread.start()
        latencies += time_areas(server.url, functools.partial(all_done, uploads), 1.0)
        for thread in uploads:
            thread.join()
        durations.append(time.monotonic() - began)
        time.sleep(1)  # let the server settle between bursts
    stop.set()
    watcher.join()
    ordered = sorted(latencies)
    return {"requests": len(latencies), "p50": statistics.median(ordered),
            "p95": ordered[int(0.95 * (len(ordered) - 1))], "max": ordered[-1],
            "uploads": dict(outcomes), "peak_mb": peak[0],
            "burst_s": max(durations) if durations else 0.0, "errors": errors}


def main() -> int:
    seconds = setting("BENCH_SECONDS", 5)
    bursts = setting("BENCH_BURSTS", 3)
    uploaders = setting("BENCH_UPLOADERS", 8)
    workers, threads = setting("BENCH_WORKERS", 2), setting("BENCH_THREADS", 4)
    tester_png, heavy_png = png((6000, 6600), mode="1"), png((5000, 5000))
    with tempfile.TemporaryDirectory(prefix="ihome-bench-uploads-") as tmp:
        instance = Path(tmp)
        server = LiveServer(instance=instance, database_url=f"sqlite:///{instance / 'ihome.db'}", redis_url=None,
                            workers=workers, extra_env={"IHOME_LOG_LEVEL": "WARNING"},
                            serve_args=("--threads", str(threads), "--no-celery", "--no-access-log"))
        with server.start(timeout=90):
            mobile, house_ids = make_host_and_houses(server)
            houses = itertools.cycle(house_ids)
            sessions = [logged_in(server, mobile) for _ in range(uploaders)]
            rows = [
                ("no uploads", scenario(server, sessions, houses, None, seconds=seconds, bursts=0)),
                (f"{uploaders} x 6000x6600 PNG ({len(tester_png) // 1024} KB)",
                 scenario(server, sessions, houses, tester_png, seconds=seconds, bursts=bursts)),
                (f"{uploaders} x 5000x5000 PNG ({len(heavy_png) // 1024} KB)",
                 scenario(server, sessions, houses, heavy_png, seconds=seconds, bursts=bursts)),
            ]
    base = rows[0][1]
    lines = [f"uploads benchmark {date.today()}: gunicorn {workers}x{threads}, GET /api/v1.0/areas back to back "
             f"from one client: alone for {seconds} s, then during {bursts} bursts of {uploaders} uploads sent at "
             f"once; load average {os.getloadavg()[0]:.2f} (others share these cores)",
             f"{'scenario':<32} {'reqs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 x':>6} {'p95 x':>6} "
             f"{'max x':>6} {'peak MB':>8} {'burst s':>8}  uploads"]
    for name, row in rows:
        ratios = " ".join(f"{row[k] / base[k]:>6.1f}" for k in ("p50", "p95", "max"))
        lines.append(f"{name:<32} {row['requests']:>5} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['max']:>8.1f} "
                     f"{ratios} "
                     f"{row['peak_mb']:>8.0f} {row['burst_s']:>8.1f}  "
                     f"{row['uploads'] or '-'}")
    lines += [f"  {name}: {error}" for name, row in rows for error in row["errors"]]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    label = os.environ.get("BENCH_LABEL", "")
    (RESULTS / f"{date.today()}-uploads{'-' + label if label else ''}.txt").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
