"""Celery bound to the app: tasks run in an app context, and leave only after the commit."""

from __future__ import annotations

import time

import pytest

from ihome import create_app
from ihome.core.cache import GEN_PREFIX, PREFIX
from ihome.core.tasks import send_after_commit
from ihome.houses.tasks import warm_reference_cache


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def apply_async(self, args=(), kwargs=None):
        self.sent.append(args)


def test_a_task_is_sent_only_after_the_commit(db, app_ctx):
    task = Recorder()
    send_after_commit(db.session, task, "hello")
    assert task.sent == []
    db.session.commit()
    assert task.sent == [("hello",)]


def test_a_rolled_back_transaction_sends_nothing(db, app_ctx):
    from ihome.accounts.models import User

    task = Recorder()
    db.session.add(User(mobile="13800000001", name="rolled back", password_hash="x"))
    db.session.flush()
    send_after_commit(db.session, task, "never")
    db.session.rollback()
    db.session.commit()
    assert task.sent == []


def test_a_broker_failure_after_commit_is_logged_not_raised(db, app_ctx, caplog):
    class Broken(Recorder):
        def apply_async(self, args=(), kwargs=None):
            raise ConnectionError("broker down")

    send_after_commit(db.session, Broken(), 1)
    db.session.commit()
    assert "could not enqueue" in caplog.text


def test_beat_schedule_lists_the_periodic_jobs(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert "ihome.houses.warm_reference_cache" in schedule
    assert schedule["ihome.orders.expire_unanswered"]["schedule"].total_seconds() == app.config[
        "EXPIRY_INTERVAL_SECONDS"]


@pytest.fixture
def worker_app(redis_server, app, tmp_path):
    """An app whose tasks go through the real broker (not eager), on the suite's database."""
    from tests.conftest import redis_url

    return create_app({
        "IHOME_ENV": "testing",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": redis_url(redis_server, 12),
        "INSTANCE_PATH": str(tmp_path),
        "CELERY_ALWAYS_EAGER": False,
    })


def test_warming_the_reference_cache_runs_in_a_real_worker(worker_app):
    import celery.contrib.testing.tasks  # noqa: F401 - registers the ping task start_worker checks
    from celery.contrib.testing.worker import start_worker

    celery_app = worker_app.extensions["celery"]
    redis = worker_app.extensions["ihome.redis"]
    redis.flushdb()
    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        with worker_app.app_context():
            result = warm_reference_cache.apply_async()
        deadline = time.monotonic() + 20
        while not redis.keys(PREFIX + "areas*") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert result.id
    assert redis.keys(PREFIX + "areas*") and redis.keys(PREFIX + "facilities*")
    assert not redis.keys(GEN_PREFIX + "*")  # warming reads; it bumps nothing
    redis.flushdb()
