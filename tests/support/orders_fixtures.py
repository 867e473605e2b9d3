"""Fixtures of the orders domain (registered in tests/conftest.py through pytest_plugins)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests

from ihome.accounts.tasks import send_sms_message
from ihome.core import clock
from ihome.core.redis_client import make_client
from ihome.extensions import db
from ihome.orders import booking
from ihome.orders import texts as order_texts
from ihome.orders.tasks import text_host_new_request
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house
from tests.support.api_client import ApiClient


@dataclass
class Stay:
    """A house with its host, a guest, and API clients logged in as each."""

    house: object
    host: object
    guest: object
    host_api: ApiClient
    guest_api: ApiClient

    def book(self, *, start_in: int = 1, nights: int = 2, api: ApiClient | None = None):
        """POST /orders for ``nights`` from ``start_in`` days after today (the guest's by default)."""
        start = clock.today() + timedelta(days=start_in)
        return (api or self.guest_api).post("/orders", json={
            "house_id": self.house.id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=nights)).isoformat()})


class _RecordedTask:
    """Stands in for ``send_sms_message`` in the orders modules: records what would be queued."""

    name = "tests.orders.recorded_sms"  # not a registered task: core.tasks._bound keeps this object

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def apply_async(self, args=(), kwargs=None, **_options) -> None:
        self.sent.append((args[0], args[1]))


@pytest.fixture
def texts(monkeypatch) -> list[tuple[str, str]]:
    """The (mobile, body) of every text the orders domain queued after a commit, recorded instead of sent.

    Eager Celery would run the task inside the commit, and the task's own app context would then
    tear down the test's shared session in the middle of that commit; and which Celery app a
    ``shared_task`` resolves to depends on what other tests created. Recording avoids both. The
    real wiring is exercised end to end against the live server (tests/e2e/test_orders_flow.py).
    """
    recorder = _RecordedTask()
    assert order_texts.send_sms_message is send_sms_message  # the real task is what production uses
    monkeypatch.setattr(order_texts, "send_sms_message", recorder)
    # the host's new-request text goes through the per-host budget (tested in tests/unit/orders/test_host_texts.py)
    assert booking.text_host_new_request is text_host_new_request
    monkeypatch.setattr(booking, "text_host_new_request", recorder)
    return recorder.sent


@pytest.fixture
def stay(app, texts) -> Stay:
    """A verified host's house (200 yuan a night), a guest, and a logged-in API client for each."""
    host = make_user(verified=True)
    guest = make_user()
    house = make_house(owner=host, price=20000)
    for row in (host, guest, house):  # loaded now: the objects stay readable after requests end the session
        db.session.refresh(row)
    host_client, guest_client = app.test_client(), app.test_client()
    for client, user in ((host_client, host), (guest_client, guest)):
        with client.session_transaction() as session:
            session["user_id"] = user.id
    return Stay(house=house, host=host, guest=guest, host_api=ApiClient(host_client), guest_api=ApiClient(guest_client))


# ---- against the live, multi-process server ------------------------------------------------------------

def live_session(live, user) -> requests.Session:
    """A ``requests`` session logged in as ``user`` on the live server (POST /api/v1.0/sessions), with CSRF.

    ``user`` is a User or anything with ``id`` and ``mobile`` (read those in the thread that owns the row).
    Falls back to writing a Flask-Session entry in the live server's Redis if the login API is absent.
    """
    http = requests.Session()
    # a fresh connection per request: a kept-alive one that gunicorn closes after its keep-alive
    # timeout could be reused at that instant and fail with "Remote end closed connection"
    http.headers["Connection"] = "close"
    http.get(live.url + "/healthz", timeout=10)  # sets the csrf_token cookie
    http.headers["X-CSRFToken"] = http.cookies.get("csrf_token", "")
    response = http.post(live.url + "/api/v1.0/sessions", json={"mobile": user.mobile, "password": DEFAULT_PASSWORD},
                         timeout=30)
    if response.status_code == 404 and response.json().get("errno") == "4002":  # no login API yet
        sid = uuid.uuid4().hex
        make_client(live.env["IHOME_REDIS_URL"]).set(f"ihome:session:{sid}", json.dumps({"user_id": user.id}),
                                                     ex=3600)
        http.cookies.set("ihome_session", sid, domain="127.0.0.1")
        return http
    assert response.status_code == 200, response.text
    http.headers["X-CSRFToken"] = http.cookies.get("csrf_token", "")  # a login mints a new token
    return http
