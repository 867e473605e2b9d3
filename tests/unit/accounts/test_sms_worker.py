"""The SMS task through a real Celery worker: queued over Redis, retried after a provider failure."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from ihome import create_app
from tests.unit.integrations.fake_ronglian import APP_ID, SID, TOKEN, FakeRonglian, running


@pytest.fixture
def worker_app(app, redis_server, tmp_path):
    """A second app whose Celery is not eager, on its own Redis db, sending through a fake Ronglian."""
    from tests.conftest import redis_url

    with running(FakeRonglian()) as fake:
        application = create_app({
            "IHOME_ENV": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
            "REDIS_URL": redis_url(redis_server, 11),
            "INSTANCE_PATH": str(tmp_path),
            "CELERY_ALWAYS_EAGER": False,
            "SMS_BACKEND": "ronglian",
            "RONGLIAN_ACCOUNT_SID": SID, "RONGLIAN_AUTH_TOKEN": TOKEN, "RONGLIAN_APP_ID": APP_ID,
            "RONGLIAN_BASE_URL": fake.url,
        })
        suite_celery = app.extensions["celery"]
        suite_celery.set_default()  # the suite's eager Celery stays the default
        application.extensions["ihome.redis"].flushdb()
        try:
            yield application, fake
        finally:
            suite_celery.set_current()  # start_worker made the worker's app current in this thread
            suite_celery.set_default()
            application.extensions["ihome.redis"].flushdb()


def test_worker_retries_a_provider_failure_then_sends(worker_app):
    application, fake = worker_app
    fake.answers.append((503, {"statusCode": "172001", "statusMsg": "网络错误"}))
    celery_app = application.extensions["celery"]
    # no ping check: results are not stored (task_ignore_result), so the check could never see "pong"
    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        celery_app.tasks["ihome.accounts.send_sms_message"].delay("13800138000", "code", ["123456", "5"])
        deadline = time.monotonic() + 20
        while len(fake.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(fake.requests) == 2  # the failure, then the retry that succeeded
    assert [r["body"]["datas"] for r in fake.requests] == [["123456", "5"], ["123456", "5"]]
