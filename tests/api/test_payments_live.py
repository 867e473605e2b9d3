"""Paying through the simulator over real HTTP: gunicorn (2 workers), the Celery worker, python-alipay-sdk.

The app's SDK signs the pay URL; the simulator's cashier pays and posts the signed notify from its own
thread; the return redirect is verified; refunds go through the worker to the simulator's gateway.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import redis as redis_py
import requests
from sqlalchemy import func, select

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment, Refund
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

pytestmark = pytest.mark.server


def eventually(check: Callable[[], object], timeout: float = 20.0) -> object:
    """Poll ``check`` until it returns something truthy (work done by another process)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


class Guest:
    """A logged-in browser without a browser: cookies and the CSRF header."""

    def __init__(self, live, mobile: str):
        self.base = live.url
        self.http = requests.Session()
        self.http.get(self.base + "/healthz")  # any response sets the csrf_token cookie
        self.call("POST", "/sessions", json={"mobile": mobile, "password": DEFAULT_PASSWORD}).raise_for_status()

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-CSRFToken": self.http.cookies.get("csrf_token", "")}
        return self.http.request(method, self.base + "/api/v1.0" + path, headers=headers, timeout=10, **kwargs)


@pytest.fixture
def booking(live, live_db):
    """An accepted booking (WAIT_PAYMENT, check-in in 3 days) and its guest, logged in over HTTP."""
    host = make_user(verified=True)
    house = make_house(owner=host, price=26600)
    guest = make_user()
    order = make_order(house=house, guest=guest, start=clock.today() + timedelta(days=3), nights=2,
                       status=OrderStatus.WAIT_PAYMENT)
    return order.id, Guest(live, guest.mobile)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def pay_events(order_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OrderEvent)
                             .where(OrderEvent.order_id == order_id, OrderEvent.to_status == "PAID"))


def pay_on_cashier(guest: Guest, pay_url: str) -> dict[str, str]:
    """Open the cashier, press Pay; returns the signed return parameters of the 302."""
    cashier = guest.http.get(pay_url, timeout=10)
    assert cashier.status_code == 200 and "data-cashier-amount" in cashier.text
    paid = guest.http.post(pay_url, data={"decision": "pay"}, allow_redirects=False, timeout=10)
    assert paid.status_code == 302
    location = urlsplit(paid.headers["Location"])
    assert location.path == "/pay/complete"
    return dict(parse_qsl(location.query))


def test_pay_confirm_and_policy_refund_end_to_end(live, live_app, live_db, booking):
    """Paid 558.60 (2 × 266 + 5 %); cancelled 3 days before check-in under moderate: 50 % of the nights back."""
    order_id, guest = booking
    pay_url = guest.call("POST", f"/orders/{order_id}/payment").json()["data"]["pay_url"]
    assert pay_url.startswith(live.url + "/dev/alipay/gateway?")
    params = pay_on_cashier(guest, pay_url)
    assert params["total_amount"] == "558.60"

    assert eventually(lambda: fresh(Order, order_id).status == "PAID"), live.log_tail()
    answer = guest.call("PUT", "/order/payment", json=params).json()
    assert answer["data"] == {"order_id": order_id, "status": "PAID", "paid": True}

    guest.http.post(pay_url, data={"decision": "notify-again"}, timeout=10)  # Alipay repeats itself
    payment = db.session.execute(select(Payment).where(Payment.order_id == order_id)).scalar_one()
    assert payment.status == "SUCCEEDED" and payment.trade_no == params["trade_no"]
    assert pay_events(order_id) == 1

    assert guest.call("PUT", f"/orders/{order_id}/status", json={"action": "cancel"}).json()["data"]["status"] \
        == "CANCELED"

    def refunded():
        db.session.expire_all()
        refund = db.session.execute(select(Refund).where(Refund.payment_id == payment.id)).scalar_one_or_none()
        return refund is not None and refund.status == "SUCCEEDED" and refund.amount == 26600

    assert eventually(refunded), live.log_tail()
    granted = requests.get(live.url + "/dev/alipay/refunds.json", timeout=10).json()
    assert {"out_trade_no": payment.out_trade_no, "refund_amount": "266.00"} in [
        {k: g[k] for k in ("out_trade_no", "refund_amount")} for g in granted]


def test_concurrent_copies_of_one_notice_make_one_transition(live, live_app, live_db, booking):
    order_id, guest = booking
    pay_url = guest.call("POST", f"/orders/{order_id}/payment").json()["data"]["pay_url"]
    pay_on_cashier(guest, pay_url)
    out_trade_no = json.loads(dict(parse_qsl(urlsplit(pay_url).query))["biz_content"])["out_trade_no"]
    store = redis_py.Redis.from_url(live.env["IHOME_REDIS_URL"])
    notice = json.loads(store.get(f"ihome:alipay-sim:trade:{out_trade_no}"))["last_notification"]
    notify = live.url + "/api/v1.0/payments/alipay/notify"
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: requests.post(notify, data=notice, timeout=20).text, range(10)))
    assert answers == ["success"] * 10
    assert eventually(lambda: fresh(Order, order_id).status == "PAID")
    assert pay_events(order_id) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 1


def test_a_refund_that_failed_is_retried_by_the_job(live, live_app, live_db, booking):
    order_id, guest = booking
    pay_url = guest.call("POST", f"/orders/{order_id}/payment").json()["data"]["pay_url"]
    pay_on_cashier(guest, pay_url)
    assert eventually(lambda: fresh(Order, order_id).status == "PAID"), live.log_tail()
    store = redis_py.Redis.from_url(live.env["IHOME_REDIS_URL"])
    store.set("ihome:alipay-sim:fail-refunds", 1)
    guest.call("PUT", f"/orders/{order_id}/status", json={"action": "cancel"}).raise_for_status()

    def refund_with(attempts: int, status: str):
        def check():
            db.session.expire_all()
            refund = db.session.execute(select(Refund).join(Payment).where(Payment.order_id == order_id)
                                        ).scalar_one_or_none()
            return refund is not None and (refund.attempts, refund.status) == (attempts, status) and refund
        return check

    failed = eventually(refund_with(1, "PENDING"))
    assert failed and "ACQ.SYSTEM_ERROR" in failed.last_error, live.log_tail()
    live_app.extensions["celery"].send_task("ihome.payments.retry_refunds")  # what beat does every interval
    assert eventually(refund_with(2, "SUCCEEDED")), live.log_tail()
