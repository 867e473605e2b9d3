"""The embedded Redis pair and the supervisor's parts, each on real Redis servers and real processes.

- The main Redis keeps an append-only file: what it held survives SIGKILL.
- The cache Redis is memory-bounded: a flood of cache keys evicts only cache values, while the
  sessions, queued tasks and counters in the main Redis are all still there.
- Tasks a killed worker had taken are put back in the queue at once.
- The supervisor backs off, and gives up on a child that can never stay up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from kombu import Connection

from ihome import create_app
from ihome.core.cache import GEN_PREFIX, bump, cached
from ihome.core.redis_client import celery_url, make_client
from ihome.runtime import EmbeddedRedis, Supervisor, restore_unacknowledged_tasks

CACHE_MB = 4


@pytest.fixture
def redis_pair(tmp_path):
    main = EmbeddedRedis(tmp_path).start()
    cache = EmbeddedRedis(tmp_path, name="redis-cache", persistent=False, maxmemory_mb=CACHE_MB).start()
    try:
        yield main, cache
    finally:
        cache.stop()
        main.stop()


def wait_for_aof(server: EmbeddedRedis, needle: bytes, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(needle in path.read_bytes() for path in server.dir.rglob("appendonly.aof*") if path.is_file()):
            return
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} never reached the append-only file")


def test_the_main_redis_keeps_everything_across_a_sigkill(tmp_path):
    server = EmbeddedRedis(tmp_path).start()
    try:
        client = make_client(server.url)
        client.set("ihome:session:abc", "{}", ex=3600)
        client.rpush("celery", "a queued task")
        client.incr("ihome:login:failures:x")
        # everysec may hold a write back for up to 2 s while an fsync runs (Redis's documented bound on
        # what a crash loses); wait until the last write is in the file, then kill
        wait_for_aof(server, b"ihome:login:failures:x")
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        server.start()
        client = make_client(server.url)
        assert client.get("ihome:session:abc") == b"{}" and client.ttl("ihome:session:abc") > 3500
        assert client.lrange("celery", 0, -1) == [b"a queued task"]
        assert client.get("ihome:login:failures:x") == b"1"
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    finally:
        server.stop()


def test_a_cache_flood_never_pushes_out_sessions_queued_tasks_or_counters(redis_pair, app, tmp_path):
    main, cache = redis_pair
    application = create_app({
        "IHOME_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'flood.db'}",
        "REDIS_URL": main.url, "CACHE_REDIS_URL": cache.url, "INSTANCE_PATH": str(tmp_path),
        "CELERY_ALWAYS_EAGER": False,
    })
    app.extensions["celery"].set_default()  # create_app made this app's Celery the default
    main_client, cache_client = make_client(main.url), make_client(cache.url)

    client = application.test_client()
    with client.session_transaction() as session:
        session["user_id"] = 42
    with application.app_context():
        application.extensions["celery"].send_task("ihome.accounts.send_sms_message", args=["13800138000", "hi"])
    main_client.incr("ihome:limit:LIMITER/login/13800138000")
    before = {key: main_client.dump(key) for key in main_client.keys("*")}
    assert any(k.startswith(b"ihome:session:") for k in before) and main_client.llen("celery") == 1

    blob = "x" * 2000
    with application.test_request_context("/"):
        bump("search")
        for i in range(6000):  # ~12 MB of distinct search pages into a 4 MB server
            cached(f"search:page:{i}", lambda i=i: {"page": i, "blob": blob}, generations=["search"])
        assert cached("search:page:fresh", lambda: {"page": "fresh"}, generations=["search"]) == {"page": "fresh"}

    stats = cache_client.info()
    # bounded: Redis evicts before each write, so it may stand a few bytes over the limit between two
    assert stats["evicted_keys"] > 0 and stats["used_memory"] < CACHE_MB * 1024 * 1024 * 1.05
    assert cache_client.get(GEN_PREFIX + "search") == b"1"  # a counter (no TTL) is never evicted
    assert {key: main_client.dump(key) for key in main_client.keys("*")} == before  # nothing lost or added
    with client.session_transaction() as session:
        assert session["user_id"] == 42


def test_tasks_a_killed_worker_had_taken_are_put_back_at_once(tmp_path):
    server = EmbeddedRedis(tmp_path, persistent=False).start()
    broker = celery_url(server.url)
    try:
        with Connection(broker) as connection:
            queue = connection.SimpleQueue("celery")
            for n in range(3):
                queue.put({"n": n})
            queue.close()
        # a consumer that takes a message without acknowledging it, then dies by SIGKILL
        taker = ("import os, signal, sys\nfrom kombu import Connection\n"
                 "with Connection(sys.argv[1]) as c:\n"
                 "    q = c.SimpleQueue('celery')\n    q.get(timeout=10)\n"
                 "    os.kill(os.getpid(), signal.SIGKILL)\n")
        result = subprocess.run([sys.executable, "-c", taker, broker], timeout=60)
        assert result.returncode == -signal.SIGKILL
        client = make_client(server.url)
        assert client.llen("celery") == 2 and client.hlen("unacked") == 1

        assert restore_unacknowledged_tasks(broker) == 1
        assert client.llen("celery") == 3 and client.hlen("unacked") == 0
        with Connection(broker) as connection:
            queue = connection.SimpleQueue("celery")
            got = sorted(queue.get(timeout=5).payload["n"] for _ in range(3))
            queue.close()
        assert got == [0, 1, 2]
    finally:
        server.stop()


def test_backoff_grows_to_its_cap():
    supervisor = Supervisor({})
    try:
        assert [supervisor.backoff(n) for n in range(1, 10)] == [0, 0.5, 1, 2, 4, 8, 16, 30, 30]
    finally:
        supervisor.stop()


def test_a_child_that_dies_is_restarted_and_one_that_never_stays_up_stops_everything(tmp_path):
    supervisor = Supervisor(dict(os.environ))
    supervisor.MAX_FAILURES = 3
    supervisor.backoff = lambda failures: 0.0  # type: ignore[method-assign]
    steady = supervisor.start("steady", ["sleep", "60"])
    marker = tmp_path / "starts"
    supervisor.start("crasher", ["sh", "-c", f"echo x >> {marker}; exit 3"])
    assert steady.process is not None
    steady_pid = steady.process.pid
    deadline = time.monotonic() + 60
    code = supervisor.wait()  # returns once the crasher failed MAX_FAILURES + 1 times
    assert time.monotonic() < deadline
    assert code == 1
    assert marker.read_text().count("x") == 4  # the first start and 3 restarts
    assert steady.process.pid == steady_pid and steady.process.poll() is not None  # stopped with the rest
