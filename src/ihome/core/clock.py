"""The time, in one place, so tests can move it instead of sleeping.

``now()`` is timezone-aware UTC; ``today()`` is the calendar date in the marketplace's time zone
(``IHOME_TIMEZONE``), which is what check-in and check-out dates mean. Tests use ``frozen(at)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 - swapped by frozen()


def now() -> datetime:
    """The current instant, in UTC."""
    return _source()


def marketplace_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def today() -> date:
    """Today's date where the homes are (Asia/Shanghai by default)."""
    return now().astimezone(marketplace_zone()).date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Within the block, ``now()`` returns ``at`` (must be timezone-aware)."""
    global _source
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware datetime")
    previous, _source = _source, (lambda: at)
    try:
        yield
    finally:
        _source = previous
