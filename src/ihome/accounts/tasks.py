"""Background jobs of accounts: sending text messages."""

from __future__ import annotations

import logging

from celery import shared_task

from ihome.integrations.sms import get_sms_backend

log = logging.getLogger(__name__)


@shared_task(name="ihome.accounts.send_sms_message")
def send_sms_message(mobile: str, body: str) -> None:
    """Send one text message through the configured backend."""
    get_sms_backend().send(mobile, body)
