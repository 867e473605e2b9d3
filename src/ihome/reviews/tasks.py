"""Background job of reviews: publish the stays whose review window closed (Celery beat).

``publish_closed_windows`` takes ``now`` (default ``clock.now()``) so tests move time instead of
sleeping; each stay is published in its own transaction by the guarded ``service.publish``, so a
second run, or a second beat, finds nothing left to do and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task

from ihome.core import clock
from ihome.core.tasks import one_transaction_each
from ihome.reviews import service

log = logging.getLogger(__name__)
PUBLISH = "ihome.reviews.publish_closed_windows"


def publish_closed_windows(*, now: datetime | None = None) -> int:
    """Publish the reviews of every finished stay whose window closed by ``now``; how many were published."""
    now = now or clock.now()
    ids = service.due_for_publication(now=now)
    published = one_transaction_each(ids, lambda order_id: service.publish(order_id=order_id, at=now),
                                     what="publish_reviews")
    if published:
        log.info("published the reviews of %d stay(s)", published)
    return published


@shared_task(name=PUBLISH)
def publish_closed_windows_task() -> int:
    """The beat job: reviews of stays whose IHOME_REVIEW_WINDOW_DAYS passed become public."""
    return publish_closed_windows()
