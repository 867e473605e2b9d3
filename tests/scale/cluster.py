"""Starts the README's deployment on 127.0.0.1: nginx → two gunicorn nodes (1 worker × 4 threads each),
one shared PostgreSQL and Redis, one ``ihome worker`` and one Celery beat. Every process is ours and is
stopped at the end (SIGTERM to its process group, then SIGKILL)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ihome.payments.simulator.keys import ensure_key_pairs
from tests.support.live import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
worker_processes 1;
daemon off;
{user}
pid {root}/nginx.pid;
error_log {root}/logs/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$request_method $uri $status $upstream_addr';
    access_log {root}/logs/nginx-access.log upstream;
    client_body_temp_path {root}/nginx/body;
    proxy_temp_path {root}/nginx/proxy;
    fastcgi_temp_path {root}/nginx/fastcgi;
    uwsgi_temp_path {root}/nginx/uwsgi;
    scgi_temp_path {root}/nginx/scgi;
    upstream ihome {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 12m;
        location / {{
            proxy_pass http://ihome;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


@dataclass
class Process:
    name: str
    command: list[str]
    log: Path
    url: str = ""
    popen: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(self.command, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        handle.close()

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 20.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name}\n" + "\n".join(text.splitlines()[-lines:])


@dataclass
class Layout:
    root: Path
    database_url: str
    redis_url: str
    nodes: list[Process] = field(default_factory=list)
    others: list[Process] = field(default_factory=list)

    @property
    def instance(self) -> Path:  # shared by every process, as shared configuration and storage would be
        return self.root / "instance"

    def __post_init__(self) -> None:
        self.nginx_port = free_port()
        self.nginx_url = f"http://127.0.0.1:{self.nginx_port}"
        (self.root / "logs").mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        self.env.update({
            "IHOME_ENV": "testing",
            "IHOME_INSTANCE_PATH": str(self.instance),
            "IHOME_DATABASE_URL": self.database_url,
            "IHOME_REDIS_URL": self.redis_url,
            "IHOME_PUBLIC_URL": self.nginx_url,
            "IHOME_TRUSTED_PROXIES": "1",
            "IHOME_CAPTCHA_TEST_CODE": "TEST",
            "IHOME_EXPIRY_INTERVAL_SECONDS": "3600",
            # the node-kill run has 8 guests book 200 houses in a stream: lift the per-guest pending cap
            "IHOME_MAX_PENDING_PER_GUEST": "1000",
        })

    def _ihome(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "ihome.cli", *args]

    def __enter__(self) -> Layout:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        ensure_key_pairs(self.instance)  # the payment simulator's keys, before two nodes race to make them
        for step in (self._ihome("db", "upgrade"), self._ihome("seed")):  # README, deployment step 1
            subprocess.run(step, env=self.env, check=True, capture_output=True, timeout=120)
        for index in range(2):  # README step 2: gunicorn ihome.wsgi:app behind nginx (here 1 worker × 4 threads)
            port = free_port()
            self.nodes.append(Process(
                f"node{index}", [sys.executable, "-m", "gunicorn", "ihome.wsgi:app", "--workers", "1",
                                 "--threads", "4", "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
                                 "--no-control-socket", "--graceful-timeout", "5"],
                self.root / "logs" / f"node{index}.log", url=f"http://127.0.0.1:{port}"))
        self.others = [  # README step 3: workers, and exactly one beat
            Process("worker", self._ihome("worker", "-c", "2"), self.root / "logs" / "worker.log"),
            Process("beat", [sys.executable, "-m", "celery", "-A", "ihome.worker:celery", "beat", "--loglevel",
                             "WARNING", "--schedule", str(self.root / "celerybeat-schedule")],
                    self.root / "logs" / "beat.log"),
            Process("nginx", [NGINX, "-c", str(self._write_nginx_conf()), "-p", str(self.root / "nginx")],
                    self.root / "logs" / "nginx.log", url=self.nginx_url),
        ]
        for process in [*self.nodes, *self.others]:
            process.start(self.env)
        for process in [*self.nodes, self.others[-1]]:
            self.wait_ready(process)

    def _write_nginx_conf(self) -> Path:
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.root / "nginx" / folder).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server {node.url.removeprefix('http://')} max_fails=1 fail_timeout=10s;"
                            for node in self.nodes)
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, servers=servers, port=self.nginx_port,
                                          user="user root;" if os.geteuid() == 0 else ""))
        return conf

    def wait_ready(self, process: Process, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.popen is not None and process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited early:\n{self.logs()}")
            try:
                with urllib.request.urlopen(process.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{process.name} not ready in {timeout} s:\n{self.logs()}")

    def upstreams_of(self, method: str, path: str) -> Counter[str]:
        """How many ``method path`` requests each node answered, from nginx's access log."""
        seen: Counter[str] = Counter()
        log = self.root / "logs" / "nginx-access.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            if line.startswith(f"{method} {path} "):
                seen["http://" + line.rsplit(" ", 1)[-1]] += 1  # the last upstream tried is the one that answered
        return seen

    def logs(self) -> str:
        return "\n".join(process.tail() for process in [*self.nodes, *self.others])

    def stop(self) -> None:
        for process in [*self.others, *self.nodes]:
            process.kill(signal.SIGTERM)
