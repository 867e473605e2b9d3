"""Background jobs of accounts: sending text messages, with retries.

A provider failure that may pass (timeout, 5xx) is retried with exponential backoff; every failure
is logged, and the last one at ERROR, so no message is lost silently.
"""

from __future__ import annotations

import logging

from celery import shared_task

from ihome.integrations.sms import SmsError, get_sms_backend, mask_mobile

log = logging.getLogger(__name__)
MAX_RETRIES = 5


SEND_SMS = "ihome.accounts.send_sms_message"


@shared_task(name=SEND_SMS, bind=True, max_retries=MAX_RETRIES, acks_late=True)
def send_sms_message(self, mobile: str, body: str, params: list[str] | None = None) -> None:
    """Send one text message through the configured backend (``params`` fill a provider template)."""
    try:
        get_sms_backend().send(mobile, body, params=params)
    except SmsError as exc:
        attempt = self.request.retries + 1
        if exc.retryable and self.request.retries < self.max_retries:
            delay = 2 ** self.request.retries  # 1, 2, 4, 8, 16 s
            log.warning("SMS to %s failed (attempt %s), retrying in %s s: %s",
                        mask_mobile(mobile), attempt, delay, exc)
            raise self.retry(exc=exc, countdown=delay) from exc
        log.error("SMS to %s failed for good after %s attempt(s): %s", mask_mobile(mobile), attempt, exc)
        raise
