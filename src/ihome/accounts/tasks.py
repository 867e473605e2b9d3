"""Background jobs of accounts: sending text messages, with retries, each message at most once.

A provider failure that may pass (timeout, 5xx) is retried with exponential backoff; every failure
is logged, and the last one at ERROR, so no message is lost silently.

Tasks are acknowledged late (``ihome.core.tasks``): a worker killed mid-task leaves its message to
be delivered again. The message's id (the Celery task id, which a redelivery and a retry keep) is
marked in Redis once the text is sent, and a marked message is never sent again, so a person gets
each text once. The console backend writes the mark in the same Redis transaction as the message
(exactly once); with a real provider only a kill between its answer and the mark could still send
one twice: at least once, never zero times.
"""

from __future__ import annotations

import logging

import redis
from celery import shared_task

from ihome.accounts import text_ledger
from ihome.core.redis_client import get_redis
from ihome.integrations.sms import SmsError, get_sms_backend, mask_mobile

log = logging.getLogger(__name__)
MAX_RETRIES = 5
SENT_PREFIX = "ihome:sms:sent:"
SENT_TTL = 2 * 24 * 3600  # longer than any redelivery or retry of the same message


SEND_SMS = "ihome.accounts.send_sms_message"


@shared_task(name=SEND_SMS, bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def send_sms_message(self, mobile: str, body: str, params: list[str] | None = None) -> None:
    """Send one text message through the configured backend (``params`` fill a provider template)."""
    message_id = str(self.request.id)
    sent_key = SENT_PREFIX + message_id
    attempt = self.request.retries + 1
    try:
        if get_redis().exists(sent_key):
            log.info("SMS to %s (message %s) was already sent; not sending it again",
                     mask_mobile(mobile), message_id)
            text_ledger.cross_out(message_id)
            return
        get_sms_backend().send(mobile, body, params=params, sent_mark=(sent_key, SENT_TTL))
        get_redis().set(sent_key, 1, ex=SENT_TTL)  # for providers that cannot record it with the delivery
        text_ledger.cross_out(message_id)
    except (SmsError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        retryable = getattr(exc, "retryable", True)
        if retryable and self.request.retries < self.max_retries:
            delay = 2 ** self.request.retries  # 1, 2, 4, 8, 16 s
            log.warning("SMS to %s failed (attempt %s), retrying in %s s: %s",
                        mask_mobile(mobile), attempt, delay, exc)
            raise self.retry(exc=exc, countdown=delay) from exc
        log.error("SMS to %s failed for good after %s attempt(s): %s", mask_mobile(mobile), attempt, exc)
        _forget(message_id)
        raise


def _forget(message_id: str) -> None:
    try:
        text_ledger.cross_out(message_id)
    except redis.exceptions.RedisError:
        log.warning("could not cross text %s out of the ledger", message_id)


@shared_task(name="ihome.accounts.resend_lost_texts")
def resend_lost_texts() -> int:
    """Publish again, under their own ids, the texts written down but neither sent nor given up in time."""
    overdue = text_ledger.overdue()
    for message_id, args in overdue:
        send_sms_message.apply_async(args=args, task_id=message_id)
    if overdue:
        log.warning("republished %s text(s) that no worker had sent", len(overdue))
    return len(overdue)
