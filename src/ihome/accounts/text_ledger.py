"""Texts queued but not yet sent, written down in Redis so that none is lost between the queue and a worker.

Celery's Redis transport moves a message from the queue to its "unacknowledged" set in two steps, and a
worker killed between them loses it (seen: 1 text of 8 under a SIGKILL). So every text is written down
when it is published (its task id and arguments) and crossed out once it is sent or given up; a beat job
republishes, under the same id, each text still written down ``GRACE_SECONDS`` after it was due. The
sent mark (``accounts.tasks``) makes a copy of a text that was in fact sent meanwhile send nothing.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from celery.signals import after_task_publish
from flask import has_app_context

from ihome.core.redis_client import get_redis

log = logging.getLogger(__name__)
LEDGER = "ihome:sms:ledger"  # hash: task id -> {"args": [...], "republished": n}
DUE = "ihome:sms:ledger:due"  # sorted set: task id -> when to republish it (epoch seconds)
GRACE_SECONDS = 45
MAX_REPUBLISH = 10


def write_down(task_id: str, args: list[Any], *, not_before: float | None = None) -> None:
    redis = get_redis()
    previous = redis.hget(LEDGER, task_id)
    republished = json.loads(previous)["republished"] if previous else 0
    pipe = redis.pipeline(transaction=True)
    pipe.hset(LEDGER, task_id, json.dumps({"args": args, "republished": republished}, ensure_ascii=False))
    pipe.zadd(DUE, {task_id: (not_before or time.time()) + GRACE_SECONDS})
    pipe.execute()


def cross_out(task_id: str) -> None:
    pipe = get_redis().pipeline(transaction=True)
    pipe.hdel(LEDGER, task_id)
    pipe.zrem(DUE, task_id)
    pipe.execute()


def overdue(now: float | None = None) -> list[tuple[str, list[Any]]]:
    """The texts to publish again now (each pushed back by another grace period); the hopeless dropped."""
    redis = get_redis()
    now = now or time.time()
    found = []
    for raw_id in redis.zrangebyscore(DUE, 0, now):
        task_id = raw_id.decode()
        raw = redis.hget(LEDGER, task_id)
        entry = json.loads(raw) if raw else None
        if entry is None or entry["republished"] >= MAX_REPUBLISH:
            if entry is not None:
                log.error("text %s was republished %s times and never sent; giving up", task_id, MAX_REPUBLISH)
            cross_out(task_id)
            continue
        entry["republished"] += 1
        pipe = redis.pipeline(transaction=True)
        pipe.hset(LEDGER, task_id, json.dumps(entry, ensure_ascii=False))
        pipe.zadd(DUE, {task_id: now + GRACE_SECONDS})
        pipe.execute()
        found.append((task_id, entry["args"]))
    return found


@after_task_publish.connect
def _on_publish(sender: str | None = None, headers: dict[str, Any] | None = None, body: Any = None,
                **_kwargs: Any) -> None:
    from ihome.accounts.tasks import SEND_SMS

    if sender != SEND_SMS or not headers or not has_app_context():
        return
    try:
        args = list(body[0])
        eta = headers.get("eta")
        not_before = None
        if eta:  # a retry with a countdown: due once its time has come
            from datetime import datetime

            not_before = datetime.fromisoformat(eta).timestamp()
        write_down(headers["id"], args, not_before=not_before)
    except Exception:  # the ledger is a safety net: never turn a published text into an error
        log.exception("could not write down text %s", headers.get("id"))
