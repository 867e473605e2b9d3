"""Background jobs of the iCal sync: one feed (queued when it is added), and the beat job for due feeds."""

from __future__ import annotations

from celery import shared_task

from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses import ical_sync


@shared_task(name="ihome.houses.sync_calendar_import")
def sync_calendar_import(import_id: int) -> bool:
    """Fetch one imported calendar and store its busy nights (or record why it failed)."""
    return ical_sync.sync_import(import_id)


@shared_task(name="ihome.houses.sync_due_calendars")
def sync_due_calendars() -> int:
    """Queue a sync of every feed not attempted for ``IHOME_ICAL_SYNC_MINUTES``; returns how many."""
    claimed = ical_sync.claim_due_imports()
    for import_id in claimed:
        send_after_commit(db.session, sync_calendar_import, import_id)
    db.session.commit()
    return len(claimed)
