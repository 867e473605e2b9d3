"""The order page's history in words: each event of the log as guests and hosts say it, never a status code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ihome.orders.models import OrderStatus

S = OrderStatus

# (to_status, who): the sentence of that step; who is the event's actor_role, or "*" for anyone
EVENT_WORDS = {
    (S.WAIT_ACCEPT, "*"): _l("Booked"),
    (S.WAIT_PAYMENT, "*"): _l("Accepted by the host"),
    (S.PAID, "*"): _l("Paid"),
    (S.REJECTED, "*"): _l("Declined by the host"),
    (S.CANCELED, "guest"): _l("Cancelled by the guest"),
    (S.CANCELED, "host"): _l("Cancelled by the host"),
    (S.CANCELED, "admin"): _l("Cancelled by iHome"),
    (S.CANCELED, "system"): _l("Cancelled automatically (no answer or no payment in time)"),
    (S.WAIT_COMMENT, "*"): _l("Stay ended"),
    (S.COMPLETE, "*"): _l("Reviewed"),
}

REFUND_WORDS = {
    "PENDING": _l("Refund in progress"),
    "SUCCEEDED": _l("Refunded"),
    "FAILED": _l("Refund delayed: iHome is retrying it"),
}


def event_words(event: dict[str, Any]) -> str:
    """One event of ``GET /orders/{id}`` (``to_status``, ``actor_role``) as a sentence in the current language."""
    status = S(event["to_status"])
    words = EVENT_WORDS.get((status, event["actor_role"])) or EVENT_WORDS.get((status, "*"))
    if words is None:  # a cancel by a role without its own sentence
        words = EVENT_WORDS[(S.CANCELED, "system")] if status is S.CANCELED else status.value
    return str(words)


def refund_words(status: str) -> str:
    """A refund's status in words."""
    return str(REFUND_WORDS.get(status, status))
