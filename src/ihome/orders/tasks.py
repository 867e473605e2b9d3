"""Background jobs of orders, run by Celery beat every IHOME_EXPIRY_INTERVAL_SECONDS.

The work is in ``ihome.orders.jobs`` (each job commits order by order); these are the task names
``core.tasks.BEAT_SCHEDULE`` lists.
"""

from __future__ import annotations

from celery import shared_task

from ihome.orders import jobs


@shared_task(name="ihome.orders.expire_unanswered")
def expire_unanswered() -> int:
    """Cancel bookings the host did not answer within IHOME_ACCEPT_TIMEOUT_HOURS."""
    return jobs.expire_unanswered()


@shared_task(name="ihome.orders.expire_unpaid")
def expire_unpaid() -> int:
    """Cancel accepted bookings not paid within IHOME_PAYMENT_TIMEOUT_HOURS."""
    return jobs.expire_unpaid()


@shared_task(name="ihome.orders.finish_stays")
def finish_stays() -> int:
    """Move paid stays whose check-out date has come to WAIT_COMMENT."""
    return jobs.finish_stays()
