"""The SMS task: retries a provider failure that may pass, logs every failure, the last at ERROR."""

from __future__ import annotations

import logging

import pytest

from ihome.accounts.tasks import send_sms_message
from ihome.integrations.sms import SmsError


def sms_task(app):
    """The task as registered on the suite app's Celery (another app may be Celery's default)."""
    return app.extensions["celery"].tasks[send_sms_message.name]


class FlakySms:
    """Fails with the given errors first, then delivers."""

    def __init__(self, *errors: SmsError):
        self.errors = list(errors)
        self.sent: list[tuple[str, str, list[str] | None]] = []
        self.calls = 0

    def send(self, mobile: str, body: str, *, params: list[str] | None = None,
             sent_mark: tuple[str, int] | None = None) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((mobile, body, params))


@pytest.fixture
def flaky(app, monkeypatch):
    def install(*errors: SmsError) -> FlakySms:
        backend = FlakySms(*errors)
        monkeypatch.setitem(app.extensions, "ihome.sms", backend)
        return backend

    return install


def test_a_passing_failure_is_retried_until_sent(app, flaky, caplog):
    backend = flaky(SmsError("timeout"), SmsError("HTTP 503"))
    sms_task(app).apply(args=("13800138000", "code 123456", ["123456", "5"]))
    assert backend.sent == [("13800138000", "code 123456", ["123456", "5"])]
    warnings = [r for r in caplog.records if r.name == "ihome.accounts.tasks" and r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "138****8000" in warnings[0].getMessage()
    assert "13800138000" not in caplog.text  # the full number is personal data


def test_a_final_failure_is_logged_at_error(app, flaky, caplog):
    backend = flaky(*[SmsError("HTTP 500") for _ in range(10)])
    result = sms_task(app).apply(args=("13800138000", "code"))
    assert result.failed()
    assert backend.calls == 6  # the first try and 5 retries
    errors = [r for r in caplog.records if r.name == "ihome.accounts.tasks" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "6 attempt" in errors[0].getMessage()


def test_a_refusal_is_not_retried_but_logged_at_error(app, flaky, caplog):
    backend = flaky(SmsError("bad template", retryable=False))
    result = sms_task(app).apply(args=("13800138000", "code"))
    assert result.failed() and backend.calls == 1
    assert any(r.levelno == logging.ERROR and "bad template" in r.getMessage() for r in caplog.records)


def test_a_message_delivered_again_is_not_sent_twice(app, flaky, redis):
    """A worker killed after sending but before acknowledging: the redelivery (same id) sends nothing."""
    from ihome.accounts.tasks import SENT_PREFIX

    backend = flaky()
    sms_task(app).apply(args=("13800138000", "your booking"), task_id="message-1")
    sms_task(app).apply(args=("13800138000", "your booking"), task_id="message-1")
    sms_task(app).apply(args=("13800138000", "your booking"), task_id="message-2")
    assert backend.sent == [("13800138000", "your booking", None)] * 2
    assert redis.ttl(SENT_PREFIX + "message-1") > 0  # the mark expires on its own


def test_a_failed_send_leaves_no_mark(app, flaky, redis):
    from ihome.accounts.tasks import SENT_PREFIX

    flaky(SmsError("bad template", retryable=False))
    assert sms_task(app).apply(args=("13800138000", "code"), task_id="message-3").failed()
    assert not redis.exists(SENT_PREFIX + "message-3")
