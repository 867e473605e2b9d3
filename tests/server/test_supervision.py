"""`ihome serve` survives a bad day: each child killed for real (SIGKILL) comes back, the site keeps
answering, and nothing queued or stored in Redis is lost. Also: with no IHOME_PUBLIC_URL, pay URLs
follow the port actually served.

One server for the module (starting one costs seconds of CPU); every test leaves it whole again.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from ihome.core.redis_client import make_client
from ihome.integrations.sms import OUTBOX_KEY
from ihome.orders.models import OrderStatus
from ihome.payments.service import NOTIFY_PATH, RETURN_PATH
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.live import LiveServer, app_on
from tests.support.orders_fixtures import live_session

pytestmark = pytest.mark.server
CHILDREN = ("gunicorn", "celery worker", "celery beat", "redis", "cache redis")
STARTED = re.compile(r"ihome\.runtime: started (.+?) \(pid (\d+)\)")
SEND_SMS = "ihome.accounts.send_sms_message"
WORKER_BOOT = 120.0  # a Celery worker imports the whole app: seconds of CPU, many more on a busy machine


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[LiveServer]:
    """``ihome serve`` with its embedded Redis pair, and no IHOME_PUBLIC_URL (its default is under test)."""
    instance = tmp_path_factory.mktemp("supervised")
    server = LiveServer(instance=instance, database_url=f"sqlite:///{instance / 'ihome.db'}", redis_url=None)
    for name in ("IHOME_PUBLIC_URL", "IHOME_CACHE_REDIS_URL"):
        server.env.pop(name, None)
    server.start(timeout=90)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def main_redis(served):
    client = make_client(f"unix://{served.instance / 'redis' / 'redis.sock'}?db=0")
    yield client
    client.close()


@pytest.fixture
def served_app(served, db):
    """An app on the served database and Redis, to arrange rows the server sees (see ``live_app``)."""
    with app_on(database_url=served.env["IHOME_DATABASE_URL"],
                redis_url=f"unix://{served.instance / 'redis' / 'redis.sock'}?db=0",
                instance=served.instance) as application:
        yield application


def children(server: LiveServer) -> dict[str, int]:
    """Each child's current pid, as the supervisor logged it (the last start of each name wins)."""
    return {name: int(pid) for name, pid in STARTED.findall((server.instance / "serve.log").read_text())}


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except OSError:
        return False


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_for(condition: Callable[[], object], server: LiveServer, what: str, timeout: float = 30.0) -> float:
    """Poll ``condition`` until true (bounded); returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"{what}: not within {timeout} s\n{server.log_tail()}"
        time.sleep(0.05)
    return time.monotonic() - start


def all_back(server: LiveServer) -> bool:
    pids = children(server)
    return all(name in pids and alive(pids[name]) for name in CHILDREN) and status(server.url + "/readyz") == 200


def queue_texts(application, count: int) -> dict[str, str]:
    """Queue ``count`` texts on the server's broker through the app, as it does after a commit (so each is
    also written down in the text ledger, the safety net for a text lost between queue and worker)."""
    task = application.extensions["celery"].tasks[SEND_SMS]
    texts = {}
    for i in range(count):
        body = f"text {uuid.uuid4().hex[:8]}"
        texts[task.apply_async(args=[f"1390000{i:04d}", body]).id] = body
    return texts


def delivered(redis, texts: dict[str, str]) -> Counter:
    wanted = set(texts.values())
    return Counter(e["body"] for e in map(json.loads, redis.lrange(OUTBOX_KEY, 0, -1)) if e["body"] in wanted)


def still_to_run(redis, texts: dict[str, str]) -> set[str]:
    """Which of these messages wait in the queue or are taken and unacknowledged (could still arrive)."""
    queued = [json.loads(raw) for raw in redis.lrange("celery", 0, -1)]
    taken = [json.loads(raw)[0] for raw in redis.hvals("unacked")]
    return {m["headers"]["id"] for m in queued + taken} & set(texts)


def all_delivered(redis, texts: dict[str, str]) -> bool:
    return sum(delivered(redis, texts).values()) >= len(texts) and not still_to_run(redis, texts)


class Outages:
    """Polls /healthz in a thread; the longest stretch of time it did not answer 200."""

    def __init__(self, url: str):
        self.url, self.longest, self._stop = url, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        down_since = None
        while not self._stop.is_set():
            now = time.monotonic()
            if status(self.url + "/healthz") == 200:
                down_since = None
            else:
                down_since = down_since or now
                self.longest = max(self.longest, time.monotonic() - down_since)
            time.sleep(0.02)

    def __enter__(self) -> Outages:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@pytest.mark.parametrize("name", CHILDREN)
def test_a_killed_child_is_restarted_and_the_site_keeps_answering(served, name):
    wait_for(lambda: all_back(served), served, "whole before the kill")
    before = children(served)
    with Outages(served.url) as outages:
        os.kill(before[name], signal.SIGKILL)
        if name != "gunicorn":  # gunicorn is the site: every other death goes unnoticed by visitors
            assert status(served.url + "/healthz") == 200
        wait_for(lambda: children(served)[name] != before[name], served, f"{name} started again")
        wait_for(lambda: all_back(served), served, "ready again")
        wait_for(lambda: not alive(before[name]), served, f"the old {name} gone")
    after = children(served)
    assert alive(after[name])
    assert {n: p for n, p in after.items() if n != name} == {n: p for n, p in before.items() if n != name}
    assert f"{name} (pid {before[name]}) exited with -9" in (served.instance / "serve.log").read_text()
    print(f"{name} killed: longest time /healthz did not answer: {outages.longest:.2f} s")  # noqa: T201 - a figure


def test_texts_queued_when_the_worker_is_killed_are_each_delivered_once(served, served_app, main_redis):
    wait_for(lambda: all_back(served), served, "whole before the kill")
    worker = children(served)["celery worker"]
    warm_up = queue_texts(served_app, 1)
    wait_for(lambda: delivered(main_redis, warm_up), served, "the worker consuming", timeout=WORKER_BOOT)
    texts = queue_texts(served_app, 8)
    os.kill(worker, signal.SIGKILL)  # some texts taken (unacknowledged), some still waiting
    wait_for(lambda: children(served)["celery worker"] != worker, served, "worker started again")
    wait_for(lambda: all_delivered(main_redis, texts), served, "all 8 texts delivered", timeout=WORKER_BOOT)
    assert delivered(main_redis, texts) == Counter({body: 1 for body in texts.values()})


def test_queued_texts_survive_a_redis_kill(served, served_app, main_redis):
    """The worker is paused, so the texts wait in Redis when it dies; its append-only file keeps them."""
    wait_for(lambda: all_back(served), served, "whole before the kill")
    pids = children(served)
    os.kill(pids["celery worker"], signal.SIGSTOP)
    try:
        texts = queue_texts(served_app, 5)
        # the paused worker's pending blocking pop may already hold one: the rest wait in Redis
        assert main_redis.llen("celery") >= 4
        os.kill(pids["redis"], signal.SIGKILL)
        wait_for(lambda: children(served)["redis"] != pids["redis"], served, "Redis started again")
    finally:
        os.kill(pids["celery worker"], signal.SIGCONT)
    wait_for(lambda: all_delivered(main_redis, texts), served, "the 5 texts delivered after the restart",
             timeout=WORKER_BOOT)
    assert delivered(main_redis, texts) == Counter({body: 1 for body in texts.values()})
    wait_for(lambda: all_back(served), served, "ready again")


def test_sessions_and_counters_survive_a_redis_kill(served, served_app, main_redis):
    wait_for(lambda: all_back(served), served, "whole before the kill")
    guest = make_user()
    http = live_session(served, guest)
    assert http.get(served.url + "/api/v1.0/session", timeout=10).json()["data"]["user_id"] == guest.id
    main_redis.set("ihome:test:counter", 41)
    main_redis.incr("ihome:test:counter")
    keys = set(main_redis.keys("ihome:*"))
    assert any(k.startswith(b"ihome:session:") for k in keys)
    # appendfsync everysec: a write reaches the file within about a second (later under load); what is
    # in the file when Redis dies is what must come back
    aof = served.instance / "redis" / "appendonly.aof"
    wait_for(lambda: aof.exists() and aof.read_bytes().count(b"ihome:test:counter") >= 2,  # the SET and the INCR
             served, "the writes in the append-only file")

    redis_pid = children(served)["redis"]
    os.kill(redis_pid, signal.SIGKILL)
    wait_for(lambda: children(served)["redis"] != redis_pid, served, "Redis started again")
    wait_for(lambda: all_back(served), served, "ready again")

    assert keys <= set(main_redis.keys("ihome:*"))
    assert main_redis.get("ihome:test:counter") == b"42"
    answer = http.get(served.url + "/api/v1.0/session", timeout=10)
    assert answer.status_code == 200 and answer.json()["data"]["user_id"] == guest.id  # still logged in


def test_without_a_public_url_pay_urls_follow_the_served_port(served, served_app):
    host = make_user(verified=True)
    house = make_house(owner=host, price=20000)
    guest = make_user()
    order = make_order(house=house, guest=guest, status=OrderStatus.WAIT_PAYMENT)
    http = live_session(served, guest)
    response = http.post(f"{served.url}/api/v1.0/orders/{order.id}/payment", timeout=30)
    assert response.status_code == 200, response.text
    pay_url = response.json()["data"]["pay_url"]
    assert served.url != "http://127.0.0.1:5000"
    assert pay_url.startswith(served.url + "/dev/alipay/gateway?")
    for path in (RETURN_PATH, NOTIFY_PATH):
        assert quote(served.url + path, safe="") in pay_url
