"""Background jobs of houses."""

from __future__ import annotations

from celery import shared_task

from ihome.houses import reference


@shared_task(name="ihome.houses.warm_reference_cache")
def warm_reference_cache() -> int:
    """Load districts and facilities into the cache (after seeding, and hourly)."""
    return reference.warm_cache()
