"""Celery bound to the Flask app, and tasks that are sent only after the transaction commits.

Tasks are declared with ``@shared_task`` in each domain's ``tasks.py``; ``celery_init_app`` makes
every task run inside an app context. ``send_after_commit`` queues a task on the current database
session: it leaves when the session commits and is dropped when it rolls back, so nothing is
announced that did not happen.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ihome.core.redis_client import celery_url
from ihome.extensions import db

log = logging.getLogger(__name__)
PENDING = "ihome.pending_tasks"
T = TypeVar("T")

# Every periodic job, by task name: (config key of its interval in seconds, or a fixed interval).
BEAT_SCHEDULE: dict[str, str | int] = {
    "ihome.houses.warm_reference_cache": 3600,
    "ihome.accounts.resend_lost_texts": 15,
    "ihome.orders.expire_unanswered": "EXPIRY_INTERVAL_SECONDS",
    "ihome.orders.expire_unpaid": "EXPIRY_INTERVAL_SECONDS",
    "ihome.orders.finish_stays": "EXPIRY_INTERVAL_SECONDS",
    "ihome.payments.query_unconfirmed": "EXPIRY_INTERVAL_SECONDS",
    "ihome.payments.retry_refunds": "EXPIRY_INTERVAL_SECONDS",
    "ihome.payments.create_payouts": 3600,
    "ihome.admin.roll_up_stats": 3600,
    "ihome.reviews.publish_closed_windows": "EXPIRY_INTERVAL_SECONDS",
    "ihome.houses.sync_due_calendars": 60,  # each feed is due every IHOME_ICAL_SYNC_MINUTES (houses.ical_sync)
}


TASK_MODULES = ("ihome.accounts.tasks", "ihome.houses.tasks", "ihome.orders.tasks", "ihome.payments.tasks",
                "ihome.admin.tasks", "ihome.reviews.tasks", "ihome.houses.ical_tasks")


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app (tasks run in its app context)."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # Run in place inside this app's context (an eager task in a test or a CLI command):
            # pushing another context would end the caller's database session on teardown.
            if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    broker = celery_url(app.config["REDIS_URL"])
    celery_app.conf.update(
        broker_url=broker,
        result_backend=None,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options=broker_transport_options(app.config),
        task_always_eager=app.config.get("CELERY_ALWAYS_EAGER", False),
        task_eager_propagates=False,
        # At least once: a message is acknowledged only when its task has finished, and a task
        # whose worker vanished goes back to the queue. Tasks are idempotent (state transitions
        # guarded by the current state; texts deduplicated by message id, see accounts.tasks).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        timezone="UTC",
        beat_schedule=_beat_schedule(app),
        imports=TASK_MODULES,
    )
    for module in TASK_MODULES:  # every task is registered at once: services look theirs up by name
        importlib.import_module(module)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def broker_transport_options(config: Any) -> dict[str, Any]:
    """Kombu's Redis transport options: short socket timeouts, and the visibility timeout.

    A message a worker took but never acknowledged is handed out again after the visibility
    timeout, so it must exceed the longest task, countdowns included (an SMS retry waits at most
    16 s; provider calls time out within seconds): ``IHOME_TASK_VISIBILITY_TIMEOUT``, 600 s.
    """
    return {"socket_timeout": 5, "socket_connect_timeout": 2,
            "visibility_timeout": int(config.get("TASK_VISIBILITY_TIMEOUT", 600))}


def _beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    schedule = {}
    for name, interval in BEAT_SCHEDULE.items():
        seconds = app.config.get(interval, 60) if isinstance(interval, str) else interval
        schedule[name] = {"task": name, "schedule": timedelta(seconds=int(seconds))}
    return schedule


def one_transaction_each(ids: Iterable[T], work: Callable[[T], object], *, what: str) -> int:
    """Run ``work(id)`` for each id in a transaction of its own; returns how many returned a true value.

    A periodic job's way to go through a batch: one bad item rolls back alone and is logged (the
    next run retries it), and no transaction stays open across slow calls to an outside service.
    """
    db.session.rollback()  # end the caller's read: each item's write is its own short transaction
    done = 0
    for item in ids:
        try:
            if work(item):
                done += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("%s failed for %s", what, item)
    return done


def send_after_commit(session: Any, task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` to be sent once ``session`` (a Session or ``db.session``) commits (dropped on rollback)."""
    session.info.setdefault(PENDING, []).append((task, args, kwargs))


def _bound(task: Task) -> Task:
    """The task as registered on the current Flask app's Celery (not Celery's process-wide default,
    which is whichever app was created last)."""
    if has_app_context() and "celery" in current_app.extensions:
        return current_app.extensions["celery"].tasks.get(task.name, task)
    return task


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for task, args, kwargs in session.info.pop(PENDING, []):
        try:
            _bound(task).apply_async(args=args, kwargs=kwargs)
        except Exception:  # the broker being down must not turn a committed change into an error
            log.exception("could not enqueue task %s after commit", task.name)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
