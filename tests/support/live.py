"""A real multi-process iHome (``ihome serve``: gunicorn, Celery worker and beat) for e2e and race tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def app_on(*, database_url: str, redis_url: str, instance: Path) -> Iterator[Any]:
    """An app bound to another process's database and Redis, to arrange rows that process sees.

    ``db.session`` is rebound for the block (the autouse ``db`` fixture binds it to the unit-test
    transaction); factories then write rows the server sees. Thread-local, so each thread of a race
    test gets its own session.
    """
    from sqlalchemy.orm import scoped_session, sessionmaker

    from ihome import create_app
    from ihome.extensions import db

    application = create_app({"IHOME_ENV": "testing", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                              "INSTANCE_PATH": str(instance)})
    with application.app_context():
        unit_session = db.session
        db.session = scoped_session(sessionmaker(bind=db.engine))
        try:
            yield application
        finally:
            db.session.remove()
            db.session = unit_session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """Runs ``ihome serve`` on a free port against the given database and Redis."""

    def __init__(self, *, instance: Path, database_url: str, redis_url: str | None, workers: int = 2,
                 extra_env: dict[str, str] | None = None, serve_args: tuple[str, ...] = ()):
        """``redis_url`` None: ``ihome serve`` starts its own embedded Redis."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        self.env = dict(os.environ)
        self.env.update({
            "IHOME_ENV": "testing",
            "IHOME_INSTANCE_PATH": str(instance),
            "IHOME_DATABASE_URL": database_url,
            "IHOME_CAPTCHA_TEST_CODE": "TEST",
            "IHOME_PUBLIC_URL": self.url,
            "IHOME_EXPIRY_INTERVAL_SECONDS": "3600",
        })
        if redis_url:
            self.env["IHOME_REDIS_URL"] = redis_url
        else:
            self.env.pop("IHOME_REDIS_URL", None)
        self.env.update(extra_env or {})
        self.command = [sys.executable, "-m", "ihome.cli", "serve", "--port", str(self.port),
                        "--workers", str(workers), *serve_args]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        return self if self.process is not None else self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 120.0) -> LiveServer:  # a loaded 2-core machine imports slowly
        self.instance.mkdir(parents=True, exist_ok=True)
        log = open(self.instance / "serve.log", "wb")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ihome serve exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"ihome serve not ready in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        path = self.instance / "serve.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
