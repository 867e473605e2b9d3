"""The stays that hold a house's nights, as the houses domain learns them from the orders domain.

Houses never imports orders (orders imports houses): a calendar, an export or a conflict check asks
through ``house_stays_requested`` and the orders domain answers with its active bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from ihome.core.events import house_stays_requested


@dataclass(frozen=True)
class Stay:
    """An active booking's nights ``[start_date, end_date)``; ``changed``: when the order last changed."""

    order_id: int
    start_date: date
    end_date: date
    changed: datetime


def held_stays(*, house_id: int, start: date, end: date) -> list[Stay]:
    """The house's active bookings overlapping ``[start, end)``, by check-in."""
    stays: list[Stay] = []
    for _receiver, answer in house_stays_requested.send(
            current_app._get_current_object(), house_id=house_id, start=start, end=end):  # type: ignore[attr-defined]
        stays.extend(answer or [])
    return sorted(stays, key=lambda stay: (stay.start_date, stay.order_id))
