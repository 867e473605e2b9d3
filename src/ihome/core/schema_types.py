"""Field types every domain's schemas share: text that is safe to store, dates that cannot overflow,
lists of bounded length. Each broken rule is a translated 4103 message under the field's name."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# C0 controls except tab, newline and carriage return; DEL; lone surrogates (NUL is among the C0 controls)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2999, 12, 31)  # far enough for any stay, and a year's window after it still fits in `date`


def _text(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("text", _("Text must not contain control characters"))
    return value


def _bounded_date(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise PydanticCustomError("date_range", _("Enter a date from %(low)s to %(high)s",
                                                  low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat()))
    return value


def at_most_items(limit: int) -> BeforeValidator:
    """A list longer than ``limit`` is refused before anything looks at its items."""

    def check(value: Any) -> Any:
        if isinstance(value, list) and len(value) > limit:
            raise PydanticCustomError("too_long", _("At most %(count)d items", count=limit))
        return value

    return BeforeValidator(check)


Text = Annotated[str, AfterValidator(_text)]
"""A string with no control characters but tab and line breaks (no NUL, no lone surrogate)."""

BoundedDate = Annotated[date, AfterValidator(_bounded_date), Field(json_schema_extra={"pattern": r"^2[0-9]{3}-"})]
"""A ``YYYY-MM-DD`` date between ``MIN_DATE`` and ``MAX_DATE``: date arithmetic on it never overflows."""
