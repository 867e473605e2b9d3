"""Fixtures of the back office: an administrator's API client, and texts recorded instead of sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ihome.core import clock
from ihome.extensions import db
from tests.factories.accounts import make_user
from tests.support.api_client import ApiClient


@pytest.fixture
def admin(app):
    """An administrator, committed."""
    person = make_user(admin=True)
    db.session.refresh(person)
    return person


@pytest.fixture
def admin_api(app, admin) -> ApiClient:
    """The API as the administrator, logged in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = admin.id
    return ApiClient(client)


@pytest.fixture
def admin_texts(monkeypatch, texts) -> list[tuple[str, str]]:
    """Every text queued after commit by the orders domain and the back office, recorded (see ``texts``)."""
    from ihome.accounts.tasks import send_sms_message
    from ihome.admin import texts as admin_texts_module
    from ihome.orders import texts as order_texts

    assert admin_texts_module.send_sms_message is send_sms_message
    monkeypatch.setattr(admin_texts_module, "send_sms_message", order_texts.send_sms_message)  # the recorder
    return texts


@pytest.fixture
def market(app, client, texts, queued_refunds):
    """The statistics tests' marketplace with a known history (``tests/support/stats_marketplace.py``)."""
    from tests.support.stats_marketplace import build

    return build(app, client)


@pytest.fixture
def now_after(app_ctx) -> Iterator[None]:
    """The clock after that history: every one of its days has closed."""
    from tests.support.stats_marketplace import AFTER

    with clock.frozen(AFTER):
        yield
