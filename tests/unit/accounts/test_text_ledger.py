"""The text ledger: a text published but lost between the queue and a worker is published again, once."""

from __future__ import annotations

import time

from ihome.accounts import text_ledger
from ihome.accounts.tasks import SENT_PREFIX, resend_lost_texts, send_sms_message
from ihome.integrations.sms import outbox


def task(app, name: str):
    return app.extensions["celery"].tasks[name]


def published(app_ctx, task_id: str, args: list) -> None:
    """What Celery's after_task_publish signal hands the ledger when a text is queued."""
    text_ledger._on_publish(sender=send_sms_message.name, headers={"id": task_id, "eta": None},
                            body=(args, {}, {}))


def test_a_published_text_is_written_down_and_crossed_out_once_sent(app, app_ctx, redis):
    published(app_ctx, "m-1", ["13800138000", "hello", None])
    assert redis.hexists(text_ledger.LEDGER, "m-1") and redis.zscore(text_ledger.DUE, "m-1") > time.time()
    task(app, send_sms_message.name).apply(args=("13800138000", "hello", None), task_id="m-1")
    assert not redis.hexists(text_ledger.LEDGER, "m-1") and redis.zscore(text_ledger.DUE, "m-1") is None
    assert [m["body"] for m in outbox()].count("hello") == 1


def test_a_lost_text_is_published_again_under_its_own_id_and_sent_once(app, app_ctx, redis):
    published(app_ctx, "m-2", ["13800138000", "lost one", None])  # ...and no worker ever ran it
    assert text_ledger.overdue(now=time.time()) == []  # not before its grace period
    redis.zadd(text_ledger.DUE, {"m-2": time.time() - 1})  # the grace period has passed

    assert task(app, resend_lost_texts.name).apply().get() == 1  # eager: the copy runs at once

    assert [m["body"] for m in outbox()].count("lost one") == 1
    assert redis.exists(SENT_PREFIX + "m-2") and not redis.hexists(text_ledger.LEDGER, "m-2")
    assert task(app, resend_lost_texts.name).apply().get() == 0


def test_a_copy_of_a_text_that_was_sent_after_all_sends_nothing(app, app_ctx, redis):
    published(app_ctx, "m-3", ["13800138000", "sent late", None])
    task(app, send_sms_message.name).apply(args=("13800138000", "sent late", None), task_id="m-3")
    published(app_ctx, "m-3", ["13800138000", "sent late", None])  # the sweeper's copy, published again
    task(app, send_sms_message.name).apply(args=("13800138000", "sent late", None), task_id="m-3")
    assert [m["body"] for m in outbox()].count("sent late") == 1
    assert not redis.hexists(text_ledger.LEDGER, "m-3")


def test_a_text_that_never_gets_sent_is_given_up_after_many_copies(app, app_ctx, redis, caplog):
    published(app_ctx, "m-5", ["13800138000", "hopeless", None])
    for _ in range(text_ledger.MAX_REPUBLISH):
        redis.zadd(text_ledger.DUE, {"m-5": time.time() - 1})
        assert [task_id for task_id, _args in text_ledger.overdue()] == ["m-5"]
    redis.zadd(text_ledger.DUE, {"m-5": time.time() - 1})
    assert text_ledger.overdue() == []
    assert not redis.hexists(text_ledger.LEDGER, "m-5") and "giving up" in caplog.text
