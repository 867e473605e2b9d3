"""Mainland China resident ID numbers (GB 11643-1999): the check digit, and the masked form.

An ID number is personal data: it is stored once, shown only masked (first 3 and last 4), and
never written to a log.
"""

from __future__ import annotations

import re
from datetime import date

ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11


def normalize(value: str) -> str:
    """Upper-case the final X and drop surrounding spaces."""
    return value.strip().upper()


def check_char(first17: str) -> str:
    """The check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def problem(value: str) -> str | None:
    """What is wrong with an ID number: ``format`` (not 17 digits and a digit or X), ``birth_date``
    (no such day), ``check_digit`` (the 18th character does not match), or None when it is valid."""
    if not ID_PATTERN.match(value):
        return "format"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    return None if check_char(value[:17]) == value[17] else "check_digit"


def is_valid(value: str) -> bool:
    """True for an 18-character ID with a real birth date and the right check character."""
    return problem(value) is None


def mask(value: str | None) -> str | None:
    """``110***********002X``: the first 3 and last 4 characters, the rest hidden."""
    if not value:
        return None
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
