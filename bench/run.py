"""``make bench``: bulk data, the real server, and search/detail/home measured through HTTP.

For each database (SQLite, and PostgreSQL when its binaries are installed): a fresh database gets
BENCH_HOUSES houses (default 100,000) and BENCH_ORDERS orders (default 1,000,000); ``ihome serve
--no-access-log`` (gunicorn 4 workers x 2 threads, its own embedded Redis, no Celery) answers on
127.0.0.1; the table goes to bench/results/<date>-<db>.txt and to stdout.

Two clients, for two questions. Latency of uncached reads: the Python client (bench/load.py) sends
a different search each time (every one misses the cache) with BENCH_CONCURRENCY requests in
flight, 2 by default: one per core, so the figure is the server's latency, not a queue's. The
saturated case (8 in flight) is reported too. Throughput of cached reads: wrk (C, one thread,
installed by bench/deps.sh when missing) on one URL; without wrk the Python client stands in and
the table says so.

    python -m bench.run                        # both databases, full scale
    BENCH_HOUSES=10000 BENCH_ORDERS=100000 BENCH_DBS=sqlite python -m bench.run

Settings (environment): BENCH_HOUSES, BENCH_ORDERS, BENCH_DBS (comma list: sqlite,postgresql),
BENCH_REQUESTS (uncached requests per scenario, default 400), BENCH_CONCURRENCY (uncached, default 2),
BENCH_SECONDS (each wrk run, default 3), BENCH_RUNS (wrk runs per scenario, the median is shown,
default 3), BENCH_CONNECTIONS (wrk, default 8), BENCH_WORKERS and
BENCH_THREADS (gunicorn, default 4 x 2), BENCH_LABEL (added to the result file's name), BENCH_START_TIMEOUT
(seconds the server may take to start, default 60), BENCH_CALENDAR (1, the default: ~5 % of houses with a
host block, 1 % with an imported calendar's busy ranges, 5 % with their own nightly prices; 0: no calendar
rows, the data of before issue 12, for a before/after comparison of search).
Targets (reported, not asserted): uncached search with dates p99 <= 50 ms on PostgreSQL (also for
keyword and multi-filter searches, issue 13); cached reads >= 2,000 requests/s. Keyword searches use
bench.generate's Chinese titles and addresses; the 2-character ones show the no-trigram fallback.

The floor (issue 14): ``ihome serve`` runs with IHOME_BENCH_FLOOR=1, which adds GET /api/v1.0/_floor,
a trivial JSON view passing through every hook of the app (``ihome.core.floor``). It is measured in
the same run by both clients (wrk, and the Python client with 2 and with 8 in flight), and every row
shows its req/s also as a fraction of the floor measured by the same client ("× floor").

Writes: BENCH_BOOKINGS (default 400) bookings of distinct houses by BENCH_GUESTS (20) logged-in
guests, 8 in flight; then the mixed run of bench.traffic: read only, then 95 % reads / 5 % bookings,
BENCH_MIXED_SECONDS (60) each with BENCH_MIXED_CONCURRENCY (4) connections over BENCH_MIXED_SEARCHES
(200) popular searches and 500 houses, reporting the search cache hit ratio (from ``X-Cache``) and
search p99 mixed vs read only. BENCH_FLOOR_REQUESTS (2000): Python-client floor requests.
BENCH_RESULTS: where the table is written (default bench/results).

Statistics: after generating, ``ihome stats rebuild`` rolls up the last 366 days (its time is in the
table's header); then an administrator asks for BENCH_STATS_REQUESTS (default 100) summaries of
30-day ranges and as many 366-day daily series (metric varied), 2 in flight. Target: p99 <= 200 ms.
BENCH_STATS_ONLY=1 measures only these. Their dates are the marketplace's (``clock.today()`` in
IHOME_TIMEZONE, Asia/Shanghai), not the machine's UTC date: every series ends on the marketplace's today,
which is computed live, whatever the hour of the run; a day that closed since the rebuild is rolled up
before measuring, as the hourly beat job would.
"""

from __future__ import annotations

import itertools
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from tests.support.live import LiveServer, free_port
from tests.support.postgres import PostgresCluster, pg_bin

from bench import traffic
from bench.generate import generate
from bench.load import Request, Result, run, run_wrk, table

RESULTS = Path(__file__).resolve().parent / "results"
FLOOR = "/api/v1.0/_floor"
SORTS = ("new", "booking", "price-inc", "price-des")
AREAS = 16


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def server(instance: Path, database_url: str, workers: int, threads: int) -> LiveServer:
    """``ihome serve`` for measuring: its own embedded Redis, no Celery, no access log."""
    return LiveServer(instance=instance, database_url=database_url, redis_url=None, workers=workers,
                      extra_env={"IHOME_LOG_LEVEL": "WARNING", "IHOME_BENCH_FLOOR": "1",
                                 # bookings come from a few guests: lift the per-guest pending cap
                                 "IHOME_MAX_PENDING_PER_GUEST": "1000000"},
                      serve_args=("--threads", str(threads), "--no-celery", "--no-access-log"))


def unique_searches(rng: random.Random, sort: str, count: int, houses: int) -> list[str]:
    """``count`` different searches (district, dates, page): each one misses the cache."""
    today = date.today()
    pages = max(1, min(3, houses // (AREAS * 10)))
    seen: set[str] = set()
    while len(seen) < count:
        start = today + timedelta(days=rng.randint(1, 170))
        end = start + timedelta(days=rng.randint(1, 5))
        seen.add(f"/api/v1.0/houses?aid={rng.randint(1, AREAS)}&sd={start}&ed={end}&sk={sort}"
                 f"&p={rng.randint(1, pages)}")
    return sorted(seen, key=lambda _: rng.random())


def _stay(rng: random.Random) -> str:
    start = date.today() + timedelta(days=rng.randint(1, 170))
    return f"sd={start}&ed={start + timedelta(days=rng.randint(1, 5))}"


def keyword_searches(rng: random.Random, count: int, short: bool = False) -> list[str]:
    """``count`` different keyword searches with dates (bench.generate's Chinese places, kinds and
    streets): 3+ characters use the trigram index; ``short`` ones (2 characters) take the fallback."""
    from bench.generate import KINDS, PLACES, STREETS

    seen: set[str] = set()
    while len(seen) < count:
        if short:
            word = rng.choice([p for p in PLACES if len(p) == 2])
        else:
            word = rng.choice([rng.choice([p for p in PLACES if len(p) >= 3]), rng.choice(PLACES) + rng.choice(KINDS),
                               rng.choice(STREETS)])
        seen.add(f"/api/v1.0/houses?q={quote(word)}&{_stay(rng)}&sk={rng.choice(SORTS)}")
    return sorted(seen, key=lambda _: rng.random())


def multi_filter_searches(rng: random.Random, count: int) -> list[str]:
    """``count`` different searches combining district, dates, guests, price range, facilities and
    (half of them) a keyword of 3+ characters."""
    from bench.generate import PLACES, STREETS

    seen: set[str] = set()
    while len(seen) < count:
        low = rng.randrange(5_000, 100_000, 5_000)
        path = (f"/api/v1.0/houses?aid={rng.randint(1, AREAS)}&{_stay(rng)}&guests={rng.randint(1, 6)}"
                f"&min_price={low}&max_price={low + rng.randrange(20_000, 100_000, 10_000)}"
                f"&fac={','.join(str(f) for f in sorted(rng.sample(range(1, 24), rng.randint(1, 2))))}"
                f"&sk={rng.choice(SORTS)}")
        if rng.random() < 0.5:
            path += "&q=" + quote(rng.choice([p for p in PLACES if len(p) >= 3] + list(STREETS)))
        seen.add(path)
    return sorted(seen, key=lambda _: rng.random())


def have_wrk() -> bool:
    """wrk is installed, or bench/deps.sh could install it."""
    if shutil.which("wrk") is None:
        subprocess.run(["sh", str(Path(__file__).resolve().parent / "deps.sh")], check=False)
    return shutil.which("wrk") is not None


@dataclass
class Measured:
    """Every row, the spread of the wrk runs, the floors by (client, in flight), the mixed run's summary."""

    results: list[Result] = field(default_factory=list)
    spreads: list[str] = field(default_factory=list)
    floors: dict[tuple[str, int], float] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)


def measure(port: int, houses: int, wrk: bool, writes: Writes | None = None) -> Measured:
    """Every scenario: the floor, uncached latency (Python client), cached throughput (wrk), then
    bookings and the mixed run when ``writes`` is given."""
    rng = random.Random(11)
    uncached = setting("BENCH_REQUESTS", 400)
    concurrency = setting("BENCH_CONCURRENCY", 2)
    seconds = setting("BENCH_SECONDS", 3)
    connections = setting("BENCH_CONNECTIONS", 8)
    measured = Measured()
    results, spreads = measured.results, measured.spreads

    def show(result: Result) -> None:
        print(f"  {result.name:<38} {result.throughput:7.0f} req/s  p50 {result.percentile(0.5):6.1f} ms  "
              f"p99 {result.percentile(0.99):6.1f} ms  errors {result.errors} {result.statuses or ''}", flush=True)
        results.append(result)
        if result.statuses:
            measured.summary.append(f"{result.name}: statuses other than 200/201: {result.statuses}")

    def once(name: str, paths, requests: int, in_flight: int = concurrency) -> None:
        show(run(name, port, paths, requests=requests, concurrency=in_flight))

    def hammer(name: str, path: str) -> None:
        if wrk:
            # other processes on a small machine come and go: the median of a few runs, spread kept
            runs = sorted((run_wrk(name, port, path, seconds=seconds, connections=connections)
                           for _ in range(setting("BENCH_RUNS", 3))), key=lambda r: r.throughput)
            spreads.append(f"{name}: " + ", ".join(f"{r.throughput:.0f}" for r in runs) + " req/s")
            show(runs[len(runs) // 2])
        else:  # the Python client for as many requests as wrk would send at ~1,000 req/s
            once(name, itertools.repeat(path), seconds * 1000, connections)

    run("warm-up", port, itertools.cycle(["/api/v1.0/areas", "/healthz"]), requests=200, concurrency=concurrency)
    floor_requests = setting("BENCH_FLOOR_REQUESTS", 2000)
    for in_flight in sorted({concurrency, 8}):
        once(f"floor {FLOOR}", itertools.repeat(FLOOR), floor_requests, in_flight)
        measured.floors[("python", in_flight)] = results[-1].throughput
    for sort in SORTS:
        once(f"search aid+dates sk={sort} uncached", iter(unique_searches(rng, sort, uncached, houses)), uncached)
    once("search sk=new uncached, 8 in flight", iter(unique_searches(rng, "new", uncached, houses)), uncached, 8)
    once("search keyword (3+ chars)+dates uncached", iter(keyword_searches(rng, uncached)), uncached)
    once("search keyword (2 chars)+dates uncached", iter(keyword_searches(rng, uncached, short=True)), uncached)
    once("search multi-filter uncached", iter(multi_filter_searches(rng, uncached)), uncached)
    details = [f"/api/v1.0/houses/{n}" for n in rng.sample(range(1, houses + 1), min(uncached, houses))]
    once("detail uncached", iter(details), len(details))
    hot = unique_searches(rng, "new", 1, houses)[0]
    page = f"/houses/{details[0].rsplit('/', 1)[1]}"
    run("warm", port, [hot, details[0], "/api/v1.0/houses/index", "/", page], requests=5, concurrency=1)
    hammer(f"floor {FLOOR}", FLOOR)
    measured.floors[(results[-1].client, results[-1].concurrency)] = results[-1].throughput
    hammer("search aid+dates cached", hot)
    hammer("detail cached", details[0])
    hammer("home list /houses/index cached", "/api/v1.0/houses/index")
    hammer("home page / (HTML)", "/")
    hammer("house page /houses/<id> (HTML)", page)
    if writes is not None:
        bookings = setting("BENCH_BOOKINGS", 400)
        once("booking distinct houses, 8 in flight", writes.stream, bookings, 8)
        measured.summary += measure_mixed(port, houses, rng, writes, results)
    return measured


@dataclass
class Writes:
    """What bookings need: a stream of bookings on distinct houses by logged-in guests."""

    stream: Iterator[Request]


def popular_searches(rng: random.Random, houses: int, count: int) -> list[str]:
    """The searches of the mixed run: every district, 2-night stays in the next 60 days, each sort, page 1."""
    today = date.today()
    seen: set[str] = set()
    while len(seen) < count:
        start = today + timedelta(days=rng.randint(1, traffic.STAY_WINDOW_DAYS))
        seen.add(f"/api/v1.0/houses?aid={rng.randint(1, AREAS)}&sd={start}&ed={start + timedelta(days=2)}"
                 f"&sk={rng.choice(SORTS)}&p=1")
    return sorted(seen)


def measure_mixed(port: int, houses: int, rng: random.Random, writes: Writes, results: list[Result]) -> list[str]:
    """Read only, then 95 % reads / 5 % bookings, for BENCH_MIXED_SECONDS each on a warmed cache."""
    seconds = setting("BENCH_MIXED_SECONDS", 60)
    concurrency = setting("BENCH_MIXED_CONCURRENCY", 4)
    searches = popular_searches(rng, houses, setting("BENCH_MIXED_SEARCHES", 200))
    details = [f"/api/v1.0/houses/{n}" for n in rng.sample(range(1, houses + 1), min(500, houses))]
    run("warm mixed", port, searches + details, requests=len(searches) + len(details), concurrency=2)
    summary = []
    p99 = {}
    for label, bookings in (("read only", None), ("mixed 5% bookings", writes.stream)):
        tally = traffic.mixed(port, seconds=seconds, concurrency=concurrency, searches=searches, details=details,
                              bookings=bookings)
        rows = traffic.tally_results(label, tally, seconds, concurrency)
        results.extend(rows)
        for row in rows:
            print(f"  {row.name:<38} {row.throughput:7.0f} req/s  p50 {row.percentile(0.5):6.1f} ms  "
                  f"p99 {row.percentile(0.99):6.1f} ms", flush=True)
        p99[label] = next((r.percentile(0.99) for r in rows if r.name.endswith(": search")), 0.0)
        ratio = traffic.hit_ratio(tally)
        summary.append(f"{label} ({seconds} s, {concurrency} in flight): search cache hit ratio "
                       + (f"{ratio:.1%}" if ratio is not None else "unknown (no X-Cache header)")
                       + f" of {tally.search_hits + tally.search_misses + tally.search_unknown} searches; "
                       f"errors {tally.errors} {tally.statuses or ''}")
    if p99.get("read only"):
        summary.append(f"search p99 mixed / read only: {p99['mixed 5% bookings']:.1f} / {p99['read only']:.1f} ms "
                       f"= {p99['mixed 5% bookings'] / p99['read only']:.2f}x (target <= 2x; hit ratio target >= 80%)")
    return summary


def stats_paths(rng: random.Random, count: int, today: date) -> tuple[list[str], list[str]]:
    """``count`` summaries of 30-day ranges ending in the last month, and 366-day daily series of varied metrics
    ending ``today`` (the marketplace's date: its last day is the one computed live)."""
    from ihome.admin.stats import METRICS

    summaries, series = [], []
    for _ in range(count):
        end = today - timedelta(days=rng.randint(0, 30))
        summaries.append(f"/api/v1.0/admin/stats/summary?start={end - timedelta(days=29)}&end={end}")
        series.append(f"/api/v1.0/admin/stats/timeseries?metric={rng.choice(METRICS)}&interval=day"
                      f"&start={today - timedelta(days=365)}&end={today}")
    return summaries, series


def admin_cookie(instance: Path, admin_id: int) -> dict[str, str]:
    """A session of the administrator in the server's embedded Redis, as a Cookie header."""
    import json
    import uuid

    from ihome.core.redis_client import make_client

    sid = uuid.uuid4().hex
    client = make_client(f"unix://{instance / 'redis' / 'redis.sock'}?db=0")
    client.set(f"ihome:session:{sid}", json.dumps({"user_id": admin_id}), ex=3600)
    client.close()
    return {"Cookie": f"ihome_session={sid}"}


def measure_stats(app, port: int, instance: Path, admin_id: int) -> list[Result]:
    """The statistics API as the dashboard calls it: summaries and 366-day series, read from the rollup
    (closed days) and computed live (the marketplace's today)."""
    from ihome.extensions import db

    rng = random.Random(13)
    count = setting("BENCH_STATS_REQUESTS", 100)
    headers = admin_cookie(instance, admin_id)
    today = catch_up(app)
    with app.app_context():
        db.engine.dispose()  # the server gets the database to itself
    summaries, series = stats_paths(rng, count, today)
    results = []
    run("warm-up stats", port, summaries[:5], requests=5, concurrency=1, headers=headers)
    for name, paths in (("stats summary 30 days", summaries), ("stats timeseries 366 days daily", series)):
        result = run(name, port, iter(paths), requests=len(paths), concurrency=2, headers=headers)
        print(f"  {result.name:<38} p50 {result.percentile(0.5):6.1f} ms  p99 {result.percentile(0.99):6.1f} ms  "
              f"errors {result.errors}", flush=True)
        results.append(result)
    return results


def roll_up(app) -> tuple[int, float]:
    """Rebuild the statistics rollup of the 366 days before the marketplace's today; (the administrator's id,
    seconds it took)."""
    import time

    from ihome.accounts.service import make_admin
    from ihome.admin.rollups import rebuild
    from ihome.core import clock
    from ihome.extensions import db

    with app.app_context():
        started = time.perf_counter()
        rebuild(since=clock.today() - timedelta(days=366))
        seconds = time.perf_counter() - started
        admin = make_admin(mobile="15999999999", password=secrets.token_urlsafe(16))
        db.session.commit()
        return admin.id, seconds


def catch_up(app) -> date:
    """Roll up the days that closed since ``roll_up`` (the run crossed the marketplace's midnight), as the
    hourly beat job would; returns the marketplace's today."""
    from sqlalchemy import func, select

    from ihome.admin.models import DailyStat
    from ihome.admin.rollups import ALL_DISTRICTS, rebuild
    from ihome.core import clock
    from ihome.extensions import db

    with app.app_context():
        today = clock.today()
        last = db.session.scalar(select(func.max(DailyStat.day)).where(DailyStat.area_id == ALL_DISTRICTS))
        if last is not None and last < today - timedelta(days=1):
            print(f"  rolling up {(today - last).days - 1} day(s) closed since the rebuild", flush=True)
            rebuild(since=last + timedelta(days=1))
    return today


def bench_database(kind: str, houses: int, orders: int) -> str:
    """Generate, serve and measure one database; returns the report."""
    from ihome import create_app
    from ihome.cli import prepare_database
    from ihome.extensions import db

    root = Path(tempfile.mkdtemp(prefix=f"ihome-bench-{kind}-"))
    cluster = None
    try:
        if kind == "postgresql":
            cluster = PostgresCluster(port=free_port()).start()
            url = cluster.create_database("bench")
        else:
            url = f"sqlite:///{root / 'bench.db'}"
        instance = root / "instance"
        print(f"[{kind}] generating {houses:,} houses and {orders:,} orders", flush=True)
        app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                          "REDIS_URL": f"unix://{root}/none.sock?db=0", "LOG_LEVEL": "ERROR"})
        with app.app_context():
            prepare_database()
        calendar = setting("BENCH_CALENDAR", 1) == 1
        timings = generate(app, houses=houses, orders=orders, calendar=calendar)
        admin_id, timings["stats rebuild 366 days"] = roll_up(app)
        guest_ids = guests_of(app, setting("BENCH_GUESTS", 20))
        houses_to_book = traffic.bookables(app, set(guest_ids))
        print(f"[{kind}] stats rollup of 366 days in {timings['stats rebuild 366 days']:.1f} s", flush=True)
        with app.app_context():
            db.engine.dispose()  # the server gets the database to itself
        print(f"[{kind}] measuring through ihome serve", flush=True)
        workers, threads = setting("BENCH_WORKERS", 4), setting("BENCH_THREADS", 2)
        wrk = not os.environ.get("BENCH_STATS_ONLY") and have_wrk()
        start_timeout = setting("BENCH_START_TIMEOUT", 60)
        with server(instance, url, workers, threads).start(timeout=start_timeout) as running:  # stopped on exit
            load = os.getloadavg()[0]
            if os.environ.get("BENCH_STATS_ONLY"):
                measured = Measured()
            else:
                guests = traffic.make_guests(instance, running.port, guest_ids)
                writes = Writes(traffic.booking_stream(random.Random(17), houses_to_book, guests))
                measured = measure(running.port, houses, wrk, writes)
            measured.results += measure_stats(app, running.port, instance, admin_id)
            load_after = os.getloadavg()[0]
        return report(kind, houses, orders, timings, measured, (load, load_after), (workers, threads), calendar)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def guests_of(app, count: int) -> list[int]:
    """``count`` generated guests (users without a real name)."""
    from sqlalchemy import select

    from ihome.accounts.models import User
    from ihome.extensions import db

    with app.app_context():
        ids = list(db.session.scalars(select(User.id).where(User.real_name.is_(None), User.is_admin.is_(False))
                                      .order_by(User.id).limit(count)))
        db.session.remove()
    return ids


def report(kind: str, houses: int, orders: int, timings: dict[str, float], measured: Measured,
           load: tuple[float, float], server: tuple[int, int], calendar: bool = True) -> str:
    lines = [
        f"iHome benchmark — {kind} — {date.today()}",
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} when the measurement started, {load[1]:.1f} when it ended "
        "(above ~0.5, other processes compete for the CPUs)",
        f"data: {houses:,} houses, {orders:,} orders, "
        + ("calendars (blocks, imported ranges, night prices)" if calendar else "no calendar rows (BENCH_CALENDAR=0)")
        + "; generated in "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()),
        f"server: ihome serve --no-access-log (gunicorn {server[0]} workers x {server[1]} threads, embedded "
        "Redis, no Celery); clients on the same machine: python = bench/load.py threads, a new URL per "
        "request (uncached); wrk = one URL, one thread (cached)",
        "targets: uncached search with dates p99 <= 50 ms (PostgreSQL); cached reads >= 2,000 req/s; "
        "statistics summary and 366-day series p99 <= 200 ms",
        f"floor: {FLOOR}, a trivial JSON view in the same server; '× floor' = req/s / the floor's req/s measured "
        "by the same client (wrk, or the Python client with the same number in flight). Issue 14's targets: "
        "cached detail/search/home list >= 0.60, HTML pages >= 0.30, uncached search 8 in flight >= 0.04, "
        "bookings 8 in flight >= 0.08",
        "",
        table(measured.results, measured.floors),
        "",
    ]
    if measured.summary:
        lines += ["mixed run and errors:", *(f"  {line}" for line in measured.summary), ""]
    if measured.spreads:
        lines += ["wrk rows show the median of these runs:", *(f"  {line}" for line in measured.spreads), ""]
    return "\n".join(lines)


def main() -> int:
    houses = setting("BENCH_HOUSES", 100_000)
    orders = setting("BENCH_ORDERS", 1_000_000)
    kinds = [k.strip() for k in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if k.strip()]
    results = Path(os.environ.get("BENCH_RESULTS") or RESULTS)
    results.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        if kind == "postgresql" and pg_bin() is None:
            print("[postgresql] skipped: PostgreSQL is not installed (apt-get install -y postgresql)")
            continue
        text = bench_database(kind, houses, orders)
        label = os.environ.get("BENCH_LABEL", "")
        path = results / f"{date.today()}-{kind}{'-' + label if label else ''}.txt"
        path.write_text(text)
        print("\n" + text + f"written to {path}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
