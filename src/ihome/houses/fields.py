"""The rules of a house's fields: one place that checks what a host sends and says what is wrong.

Both publishing and editing go through ``clean_house_fields``; every broken rule becomes a translated
message under the field's name, so the form can show it next to the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ihome.core.errors import Invalid
from ihome.core.schema_types import CONTROL_CHARACTERS
from ihome.extensions import db
from ihome.houses.models import Area, Facility

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")  # ASCII digits only; long enough for every rule
MAX_MONEY = 100_000_000  # fen: one million yuan a night is beyond any real listing
MAX_COUNT = 1_000
MAX_ACREAGE = 100_000
MAX_DAYS = 3_650
MAX_DESCRIPTION = 2_000
MAX_HOUSE_RULES = 1_000
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # HH:MM, 00:00–23:59

# Optional on publish, with these defaults; title, price, area_id and address are required.
DEFAULTS: dict[str, Any] = {
    "room_count": 1, "acreage": 0, "unit": "", "capacity": 1, "beds": "", "deposit": 0,
    "min_days": 1, "max_days": 0, "facility": [], "cancellation_policy": "moderate", "weekend_price": None,
    "description": "", "house_rules": "", "check_in_time": "14:00", "check_out_time": "12:00",
}
# Fields where an explicit null means "none" (cleared), not "not given": no weekend price, the base applies.
NULLABLE = ("weekend_price",)
POLICIES = ("flexible", "moderate", "strict")  # the refund rules live in ihome.orders.money
REQUIRED = ("title", "price", "area_id", "address")


class _FieldError(ValueError):
    """One broken rule of one field."""


def _integer(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _FieldError(_("Enter a whole number"))
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise _FieldError(_("Enter a whole number"))
    if not low <= value <= high:
        raise _FieldError(_("Enter a number from %(low)s to %(high)s", low=low, high=high))
    return value


def _text(value: Any, low: int, high: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _FieldError(_("Enter text"))
    value = value.strip()
    if len(value) < low:
        raise _FieldError(_("This field is required"))
    if len(value) > high:
        raise _FieldError(_("Enter at most %(high)s characters", high=high))
    return value


def _long_text(value: Any, high: int) -> str:
    """Free text of several lines: line breaks kept (CRLF as LF), no other control character."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _FieldError(_("Enter text"))
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if CONTROL_CHARACTERS.search(value):
        raise _FieldError(_("Text must not contain control characters"))
    if len(value) > high:
        raise _FieldError(_("Enter at most %(high)s characters", high=high))
    return value


def _clock_time(value: Any) -> str:
    if not isinstance(value, str) or not CLOCK_TIME.fullmatch(value.strip()):
        raise _FieldError(_("Enter a time as HH:MM, from 00:00 to 23:59"))
    return value.strip()


def _area(value: Any) -> int:
    area_id = _integer(value, 1, MAX_ID)
    if db.session.get(Area, area_id) is None:
        raise _FieldError(_("No such district"))
    return area_id


def _policy(value: Any) -> str:
    if not isinstance(value, str) or value.strip() not in POLICIES:
        raise _FieldError(_("Choose flexible, moderate or strict"))
    return value.strip()


def _facilities(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _FieldError(_("Choose facilities from the list"))
    ids = sorted({_integer(item, 1, MAX_ID) for item in value})
    known = set(db.session.scalars(select(Facility.id).where(Facility.id.in_(ids)))) if ids else set()
    unknown = [str(fid) for fid in ids if fid not in known]
    if unknown:
        raise _FieldError(_("No such facility: %(ids)s", ids=", ".join(unknown)))
    return ids


RULES: dict[str, Callable[[Any], Any]] = {
    "title": lambda v: _text(v, 1, 64),
    "price": lambda v: _integer(v, 0, MAX_MONEY),
    "weekend_price": lambda v: _integer(v, 0, MAX_MONEY),
    "area_id": _area,
    "address": lambda v: _text(v, 1, 512),
    "room_count": lambda v: _integer(v, 1, MAX_COUNT),
    "acreage": lambda v: _integer(v, 0, MAX_ACREAGE),
    "unit": lambda v: _text(v, 0, 32),
    "capacity": lambda v: _integer(v, 1, MAX_COUNT),
    "beds": lambda v: _text(v, 0, 64),
    "deposit": lambda v: _integer(v, 0, MAX_MONEY),
    "min_days": lambda v: _integer(v, 1, MAX_DAYS),
    "max_days": lambda v: _integer(v, 0, MAX_DAYS),
    "facility": _facilities,
    "cancellation_policy": _policy,
    "description": lambda v: _long_text(v, MAX_DESCRIPTION),
    "house_rules": lambda v: _long_text(v, MAX_HOUSE_RULES),
    "check_in_time": _clock_time,
    "check_out_time": _clock_time,
}


def clean_house_fields(fields: dict[str, Any], *, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated, normalised values of ``fields`` (unknown keys ignored).

    ``current`` holds the house's present values on an edit: fields left out keep them, and the
    cross-field rule (``max_days`` vs ``min_days``) is checked on the result. Without it (publish),
    the required fields must be present and the others take their defaults.
    Raises ``Invalid`` (4103) with every broken rule per field.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, rule in RULES.items():
        if name in NULLABLE and name in fields and fields[name] is None:
            cleaned[name] = None
            continue
        if name not in fields or fields[name] is None:
            if current is None and name in REQUIRED:
                errors[name] = [_("This field is required")]
            continue
        try:
            cleaned[name] = rule(fields[name])
        except _FieldError as error:
            errors[name] = [str(error)]
    base = dict(DEFAULTS) if current is None else dict(current)
    merged = {**base, **cleaned}
    if "min_days" not in errors and "max_days" not in errors:
        max_days, min_days = merged.get("max_days", 0), merged.get("min_days", 1)
        if max_days and max_days < min_days:
            errors["max_days"] = [_("Enter 0 (no limit) or at least the minimum stay")]
    if errors:
        raise Invalid(_("Some fields are invalid"), fields=errors)
    return merged if current is None else cleaned
