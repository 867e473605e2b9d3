"""Sending text messages: an ``SmsBackend`` protocol, the console twin, and the provider.

``IHOME_SMS_BACKEND`` picks one. Domain code never calls a backend inside a request: it queues
``ihome.accounts.tasks.send_sms_message`` after commit, and the Celery task sends (with retries).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Protocol

from flask import Flask

from ihome.core.redis_client import get_redis
from ihome.integrations import per_app

log = logging.getLogger(__name__)
OUTBOX_KEY = "ihome:sms:outbox"
OUTBOX_SIZE = 200


class SmsError(Exception):
    """The provider refused or failed; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


def mask_mobile(mobile: str) -> str:
    """``138****8000``: enough to tell messages apart in a log, not enough to identify anyone."""
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 7 else "****"


_DIGIT_RUN = re.compile(r"\d{4,}")


def mask_body(body: str) -> str:
    """The text with every run of 4 or more digits (codes, mobiles) masked, for a log line."""
    return _DIGIT_RUN.sub(lambda match: "*" * len(match.group()), body)


class SmsBackend(Protocol):
    def send(self, mobile: str, body: str, *, params: list[str] | None = None,
             sent_mark: tuple[str, int] | None = None) -> None:
        """Deliver ``body`` to ``mobile``; ``params`` fill the provider's template when it uses one.

        ``sent_mark`` (Redis key, TTL in seconds) is the caller's "this message was sent" mark: a backend
        that can record it together with the delivery does, so a kill can never fall between the two.
        Raises ``SmsError`` on failure.
        """
        ...


class ConsoleSms:
    """Development twin: logs the message (masked) and keeps it in Redis for ``/dev/outbox``.

    The log line masks the mobile and every code in the body, as the Ronglian backend does: logs
    are shipped and kept; the development-only outbox shows the whole message.
    """

    def send(self, mobile: str, body: str, *, params: list[str] | None = None,
             sent_mark: tuple[str, int] | None = None) -> None:
        log.info("SMS to %s: %s", mask_mobile(mobile), mask_body(body))
        entry = {"mobile": mobile, "body": body, "created_at": datetime.now(UTC).isoformat()}
        pipe = get_redis().pipeline(transaction=True)  # MULTI/EXEC: the message and its mark, or neither
        pipe.rpush(OUTBOX_KEY, json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(OUTBOX_KEY, -OUTBOX_SIZE, -1)
        if sent_mark is not None:
            pipe.set(sent_mark[0], 1, ex=sent_mark[1])
        pipe.execute()


def outbox() -> list[dict]:
    """The console backend's messages, oldest first."""
    return [json.loads(raw) for raw in get_redis().lrange(OUTBOX_KEY, 0, -1)]


def get_sms_backend() -> SmsBackend:
    """The SMS backend of the current app (created once per app)."""
    return per_app("ihome.sms", build_sms_backend)


def build_sms_backend(app: Flask) -> SmsBackend:
    """The backend ``IHOME_SMS_BACKEND`` names."""
    name = app.config["SMS_BACKEND"]
    if name == "console":
        return ConsoleSms()
    if name == "ronglian":
        from ihome.integrations.ronglian_sms import RonglianSms

        return RonglianSms.from_config(app.config)
    raise ValueError(f"IHOME_SMS_BACKEND must be console or ronglian, not {name!r}")
