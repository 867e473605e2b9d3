"""The statistics job, run by Celery beat every hour: roll up yesterday and re-roll the recent days."""

from __future__ import annotations

from celery import shared_task

from ihome.admin import rollups
from ihome.extensions import db


@shared_task(name="ihome.admin.roll_up_stats")
def roll_up_stats() -> int:
    """Store the last IHOME_STATS_REROLL_DAYS closed days in ih_stats_daily; returns the rows changed."""
    changed = rollups.reroll_recent()
    db.session.commit()
    return changed
