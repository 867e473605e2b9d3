"""Background jobs of orders: the expiry jobs that Celery beat runs every IHOME_EXPIRY_INTERVAL_SECONDS,
and the host's new-request texts (bounded per host by ``ihome.orders.host_texts``).

The work is in ``ihome.orders.jobs`` (each job commits order by order); these are the task names
``core.tasks.BEAT_SCHEDULE`` lists. ``jobs`` is imported inside the tasks: booking imports this
module for the host-text task, and jobs imports the orders service, which imports booking.
"""

from __future__ import annotations

from celery import shared_task
from flask import current_app, has_app_context

from ihome.accounts.tasks import SEND_SMS, send_sms_message
from ihome.orders import host_texts

HOST_DIGEST = "ihome.orders.host_request_digest"


@shared_task(name="ihome.orders.expire_unanswered")
def expire_unanswered() -> int:
    """Cancel bookings the host did not answer within IHOME_ACCEPT_TIMEOUT_HOURS."""
    from ihome.orders import jobs

    return jobs.expire_unanswered()


@shared_task(name="ihome.orders.expire_unpaid")
def expire_unpaid() -> int:
    """Cancel accepted bookings not paid within IHOME_PAYMENT_TIMEOUT_HOURS."""
    from ihome.orders import jobs

    return jobs.expire_unpaid()


@shared_task(name="ihome.orders.finish_stays")
def finish_stays() -> int:
    """Move paid stays whose check-out date has come to WAIT_COMMENT."""
    from ihome.orders import jobs

    return jobs.finish_stays()


@shared_task(name="ihome.orders.text_host_new_request", acks_late=True)
def text_host_new_request(mobile: str, body: str, host_id: int) -> bool:
    """Text the host about a new booking request, or fold it into the host's next digest."""
    return host_texts.new_request(host_id=host_id, mobile=mobile, body=body, send=_send, schedule_digest=_schedule)


@shared_task(name=HOST_DIGEST, acks_late=True)
def host_request_digest(host_id: int, mobile: str) -> int:
    """At the end of a host's text window: one text counting the requests that arrived during it."""
    return host_texts.digest(host_id=host_id, mobile=mobile, send=_send, schedule_digest=_schedule)


def _task(name: str, default):
    """This app's own task object (the shared_task proxy follows Celery's last-created default app)."""
    if has_app_context() and "celery" in current_app.extensions:
        return current_app.extensions["celery"].tasks.get(name, default)
    return default


def _send(mobile: str, body: str) -> None:
    _task(SEND_SMS, send_sms_message).apply_async(args=(mobile, body))


def _schedule(host_id: int, mobile: str, seconds: int) -> None:
    _task(HOST_DIGEST, host_request_digest).apply_async(args=(host_id, mobile), countdown=seconds)
