"""`ihome serve` with no configuration: embedded Redis, SQLite, gunicorn, Celery; SIGTERM/SIGINT stop all."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.live import free_port

pytestmark = pytest.mark.server


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _listening_pids(port: int) -> set[int]:
    """The pids holding a socket that listens on 127.0.0.1:``port`` (read from /proc)."""
    wanted = f"0100007F:{port:04X}"
    inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
              if line.split()[1] == wanted and line.split()[3] == "0A"}
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                pids.add(int(entry.name))
    return pids


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status, json.loads(response.read())


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_everything_and_a_signal_stops_everything(tmp_path, stop_signal):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IHOME_")}
    env["IHOME_INSTANCE_PATH"] = str(tmp_path / "instance")
    process = subprocess.Popen([sys.executable, "-m", "ihome.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/readyz")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "not ready"
                time.sleep(0.1)
        assert status == 200 and body["checks"] == {"database": "ok", "redis": "ok"}
        _, areas = _get(f"http://127.0.0.1:{port}/api/v1.0/areas")
        assert len(areas["data"]) == 16  # migrated and seeded on first start
        assert (tmp_path / "instance" / "ihome.db").exists()
        assert (tmp_path / "instance" / "redis" / "redis.sock").exists()
        children = _descendants(process.pid)
        commands = " ".join(Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ") for pid in children
                            if Path(f"/proc/{pid}/cmdline").exists())
        assert commands.count("redis-server") == 2  # sessions and queue; cached reads
        # gunicorn, the Celery worker and beat are forked from `ihome serve` (their command line is
        # serve's): gunicorn is found by its port, the others by the pids the supervisor logs below
        assert _listening_pids(port) & children
    finally:
        children = _descendants(process.pid)
        process.send_signal(stop_signal)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    started = dict(re.findall(r"ihome\.runtime: started (.+?) \(pid (\d+)\)", output))
    assert set(started) == {"redis", "cache redis", "gunicorn", "celery worker", "celery beat"}
    assert {int(pid) for pid in started.values()} <= children
    time.sleep(0.2)
    assert [pid for pid in children if _alive(pid)] == []
    assert not (tmp_path / "instance" / "redis" / "redis.sock").exists()


def test_a_second_serve_on_the_same_instance_refuses_to_share_redis(tmp_path):
    from ihome.runtime import EmbeddedRedis

    first = EmbeddedRedis(tmp_path).start()
    try:
        with pytest.raises(RuntimeError, match="already"):
            EmbeddedRedis(tmp_path).start()
    finally:
        first.stop()
    assert not first.socket.exists()


def test_production_refusal_names_the_setting(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IHOME_")}
    env.update(IHOME_ENV="production", IHOME_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "ihome.cli", "seed"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "IHOME_SECRET_KEY" in result.stderr


def test_a_signal_during_start_up_still_stops_everything_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IHOME_")}
    env["IHOME_INSTANCE_PATH"] = str(tmp_path / "instance")
    process = subprocess.Popen([sys.executable, "-m", "ihome.cli", "serve", "--port", str(free_port())], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    socket_file = tmp_path / "instance" / "redis" / "redis.sock"
    deadline = time.monotonic() + 30
    while not socket_file.exists():  # Redis is up; migrations and children are still to come
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    children = _descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    time.sleep(0.2)
    assert [pid for pid in children | _descendants(process.pid) if _alive(pid)] == []
    assert not socket_file.exists()
