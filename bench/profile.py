"""Profile the server under load with py-spy: where a worker's time goes, per scenario.

    python -m bench.profile                  # SQLite, 2,000 houses; every scenario
    PROFILE_SCENARIOS=detail,search python -m bench.profile

Generates a small database (PROFILE_HOUSES, default 2,000; 10 orders each), starts ``ihome serve``
with ONE gunicorn worker (PROFILE_THREADS threads, default 4) so a single process takes every
request, then for each scenario loads it (wrk on one URL for cached reads, the Python client for
uncached searches and bookings) while ``py-spy record --format raw`` samples that worker for
PROFILE_SECONDS (default 8). Writes, per scenario, the top functions by own time and by inclusive
time (a share of the samples) to bench/results/<date>-profile-<scenario>[-PROFILE_LABEL].txt, and the
raw folded stacks beside it (``.folded``, not committed; ``flamegraph.pl`` or speedscope read them).
Needs root (py-spy attaches to another process) and wrk.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

from tests.support.live import LiveServer

from bench import traffic
from bench.generate import generate
from bench.load import run, run_wrk
from bench.run import FLOOR, guests_of, unique_searches

RESULTS = Path(__file__).resolve().parent / "results"


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def worker_pid(server_pid: int) -> int:
    """The gunicorn worker: a Python grandchild of ``ihome serve`` (serve forks the gunicorn arbiter,
    which forks the worker; both keep serve's command line)."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True, check=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines()[1:]]
    children = {int(p): (int(pp), args) for p, pp, args in rows}
    arbiters = [p for p, (pp, _args) in children.items() if pp == server_pid]
    workers = [p for p, (pp, args) in children.items() if pp in arbiters and "python" in args]
    if not workers:
        raise RuntimeError("no gunicorn worker found")
    return workers[0]


def summarise(folded: Path, top: int = 25) -> str:
    """Own and inclusive shares of the samples, per function, from py-spy's raw (folded) output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in folded.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        # idle threads wait in gthread's poll or a lock: not the server's work
        if any(s in frames[-1] for s in ("select (selectors.py", "wait (threading.py", "_worker (concurrent")):
            continue
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return "no busy samples\n"
    lines = [f"busy samples: {total}", "", "own time (top functions):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in own.most_common(top)]
    lines += ["", "inclusive time (top frames):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(lines) + "\n"


def record(pid: int, seconds: int, out: Path, load) -> None:
    """py-spy samples ``pid`` for ``seconds`` while ``load`` runs in a thread."""
    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(0.5)
    subprocess.run(["py-spy", "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
                    "--format", "raw", "--output", str(out), "--nonblocking"],
                   check=True, capture_output=True, env={**os.environ, "PATH": f"{Path(sys.executable).parent}:"
                                                         + os.environ.get("PATH", "")})
    loader.join()


def main() -> int:
    from ihome import create_app
    from ihome.cli import prepare_database
    from ihome.extensions import db

    houses = setting("PROFILE_HOUSES", 2000)
    seconds = setting("PROFILE_SECONDS", 8)
    wanted = os.environ.get("PROFILE_SCENARIOS", "detail,search,home,uncached,booking").split(",")
    root = Path(tempfile.mkdtemp(prefix="ihome-profile-"))
    try:
        url = f"sqlite:///{root / 'bench.db'}"
        instance = root / "instance"
        app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": str(instance),
                          "REDIS_URL": f"unix://{root}/none.sock?db=0", "LOG_LEVEL": "ERROR"})
        with app.app_context():
            prepare_database()
        generate(app, houses=houses, orders=houses * 10, log=lambda *_: None)
        guest_ids = guests_of(app, 10)
        bookable = traffic.bookables(app, set(guest_ids))
        with app.app_context():
            db.engine.dispose()
        server = LiveServer(instance=instance, database_url=url, redis_url=None, workers=1,
                            extra_env={"IHOME_LOG_LEVEL": "WARNING", "IHOME_BENCH_FLOOR": "1",
                                       "IHOME_MAX_PENDING_PER_GUEST": "1000000"},
                            serve_args=("--threads", str(setting("PROFILE_THREADS", 4)), "--no-celery",
                                        "--no-access-log"))
        with server.start(timeout=120) as running:
            port = running.port
            pid = worker_pid(running.process.pid)  # type: ignore[union-attr]
            rng = random.Random(3)
            hot = unique_searches(rng, "new", 1, houses)[0]
            paths = {"detail": "/api/v1.0/houses/7", "search": hot, "home": "/api/v1.0/houses/index", "floor": FLOOR}
            run("warm", port, list(paths.values()), requests=len(paths), concurrency=1)
            guests = traffic.make_guests(instance, port, guest_ids)
            stream = traffic.booking_stream(random.Random(17), bookable, guests)
            for name in ["floor", *wanted]:
                if name in paths:
                    def load(name=name, path=paths[name]):
                        run_wrk(name, port, path, seconds=seconds, connections=8)
                elif name == "uncached":
                    def load(name=name, searches=iter(unique_searches(rng, "new", seconds * 200, houses))):
                        run(name, port, searches, requests=seconds * 150, concurrency=4)
                elif name == "booking":
                    def load(name=name):
                        run(name, port, stream, requests=seconds * 40, concurrency=8)
                else:
                    continue
                label = os.environ.get("PROFILE_LABEL", "")
                stem = f"{date.today()}-profile-{name}{'-' + label if label else ''}"
                folded = RESULTS / f"{stem}.folded"
                record(pid, seconds, folded, load)
                text = (f"py-spy of one gunicorn worker (1 x {setting('PROFILE_THREADS', 4)} threads, SQLite, "
                        f"{houses:,} houses), scenario {name}, {seconds} s, load average {os.getloadavg()[0]:.1f}\n\n"
                        + summarise(folded))
                (RESULTS / f"{stem}.txt").write_text(text)
                print(text, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
