"""Fixtures of the payments domain (registered in tests/conftest.py through pytest_plugins).

- ``alipay_keys``: the key pairs of the test app's simulator backend (RSA-2048, generated once per
  session under the app's temporary instance folder).
- ``sdk_transport``: routes python-alipay-sdk's HTTP calls (its module-level ``urlopen``) to the Flask
  test client, so the real SDK reaches the real simulator without a socket. Production code is unchanged.
- ``alipay_side``: plays Alipay: notices and return parameters signed with the simulator's key.
- ``awaiting_payment``: a guest's accepted order (WAIT_PAYMENT) and the guest's logged-in API client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ihome.core import clock
from ihome.integrations.payments import fen_to_yuan
from ihome.orders.models import OrderStatus
from ihome.payments.simulator import signing
from ihome.payments.simulator.keys import KeyPairs, ensure_key_pairs
from tests.support.api_client import ApiClient


@pytest.fixture(scope="session")
def alipay_keys(app) -> KeyPairs:
    return ensure_key_pairs(Path(app.instance_path))


class _Body:
    """What ``urlopen`` returns, as far as the SDK reads it."""

    def __init__(self, data: bytes):
        self._data = data

    def read(self) -> bytes:
        return self._data


@pytest.fixture
def sdk_transport(app, monkeypatch) -> list[str]:
    """Send the SDK's gateway calls to the test client; returns the list of ``method`` values called."""
    import alipay

    calls: list[str] = []

    def urlopen(url: str, timeout: float | None = None) -> _Body:
        parts = urlsplit(url)
        response = app.test_client().get(f"{parts.path}?{parts.query}")
        from urllib.parse import parse_qs

        calls.append(parse_qs(parts.query).get("method", [""])[0])
        return _Body(response.data)

    monkeypatch.setattr(alipay, "urlopen", urlopen)
    return calls


@dataclass
class AlipaySide:
    """Builds what Alipay would send, signed with the simulator's private key."""

    keys: KeyPairs
    app_id: str

    def notice(self, payment, *, key: str | None = None, **overrides: str) -> dict[str, str]:
        params = {
            "notify_time": "2026-01-01 12:00:00", "notify_type": "trade_status_sync", "notify_id": "n1",
            "charset": "utf-8", "version": "1.0", "app_id": self.app_id, "auth_app_id": self.app_id,
            "trade_no": f"2026{payment.id:012d}", "out_trade_no": payment.out_trade_no,
            "trade_status": "TRADE_SUCCESS", "total_amount": fen_to_yuan(payment.amount),
            "buyer_id": "2088102000000000", "gmt_payment": "2026-01-01 12:00:00",
        }
        params.update(overrides)
        return signing.signed_params(params, key or self.keys.simulator_private_pem)

    def return_params(self, payment, **overrides: str) -> dict[str, str]:
        params = {
            "charset": "utf-8", "method": "alipay.trade.page.pay.return", "version": "1.0", "app_id": self.app_id,
            "auth_app_id": self.app_id, "out_trade_no": payment.out_trade_no,
            "trade_no": f"2026{payment.id:012d}", "total_amount": fen_to_yuan(payment.amount),
            "seller_id": "2088000000000001", "timestamp": "2026-01-01 12:00:01",
        }
        params.update(overrides)
        return signing.signed_params(params, self.keys.simulator_private_pem)


@pytest.fixture
def alipay_side(app, alipay_keys) -> AlipaySide:
    return AlipaySide(keys=alipay_keys, app_id=app.config["ALIPAY_APP_ID"])


@dataclass
class AwaitingPayment:
    order: Any
    guest: Any
    house: Any
    api: ApiClient


@pytest.fixture
def awaiting_payment(app, client) -> Callable[..., AwaitingPayment]:
    """A factory: an accepted order (WAIT_PAYMENT) of a new guest, whose ``api`` is logged in."""
    from tests.conftest import login
    from tests.factories.accounts import make_user
    from tests.factories.houses import make_house
    from tests.factories.orders import make_order

    def make(*, price: int = 12345, nights: int = 2, status: OrderStatus = OrderStatus.WAIT_PAYMENT,
             policy: str = "flexible", start_in: int = 1) -> AwaitingPayment:
        """Check-in ``start_in`` days ahead; the flexible policy refunds a cancel in full (the refund mechanics)."""
        with app.app_context():
            house = make_house(owner=make_user(verified=True), price=price, cancellation_policy=policy)
            guest = make_user()
            order = make_order(house=house, guest=guest, nights=nights, status=status,
                               start=clock.today() + timedelta(days=start_in), cancellation_policy=policy)
            ids = (order.id, guest.id, house.id)
        login(client, ids[1])
        return AwaitingPayment(order=ids[0], guest=ids[1], house=ids[2], api=ApiClient(client))

    return make


def payment_of(order_id: int):
    """The newest Payment of an order (inside an app context)."""
    from sqlalchemy import select

    from ihome.extensions import db
    from ihome.payments.models import Payment

    return db.session.execute(select(Payment).where(Payment.order_id == order_id)
                              .order_by(Payment.id.desc())).scalars().first()


def signed_request_params(query: dict[str, str], public_pem: str) -> bool:
    """Whether a pay URL's query is validly signed by the app (checked with our own verifier)."""
    return signing.verify(signing.unsigned_string(query, drop_sign_type=False), query["sign"], public_pem)


class QueuedRefunds:
    """Refund tasks queued after commit, held here and run by the test as the worker would.

    (Run eagerly, a task would execute inside the committing session's ``after_commit`` hook, where
    the test suite's shared session cannot emit SQL.)
    """

    def __init__(self, app):
        self.app = app
        self.queued: list[int] = []

    def run(self) -> list[str]:
        ran, self.queued = self.queued, []
        return [run_task(self.app, "ihome.payments.refund_payment", refund_id) for refund_id in ran]


def run_task(app, name: str, *args: Any) -> Any:
    """Run a task of *this* app as its worker would.

    Not through the ``shared_task`` proxy: that follows Celery's current default app, which is the
    last app ``create_app`` built (``live_app`` builds one bound to the live server).
    """
    import ihome.payments.tasks  # noqa: F401 - declares the tasks

    return app.extensions["celery"].tasks[name].apply(args=args).get()


@pytest.fixture
def queued_refunds(app, monkeypatch) -> QueuedRefunds:
    import ihome.payments.tasks  # noqa: F401 - declares the tasks

    queue = QueuedRefunds(app)
    refund_payment = app.extensions["celery"].tasks["ihome.payments.refund_payment"]
    monkeypatch.setattr(refund_payment, "apply_async",
                        lambda args=(), kwargs=None, **options: queue.queued.append(args[0]))
    return queue


@pytest.fixture
def live_db(live_app):
    """The database extension, its session bound to the live server's database by ``live_app``."""
    from ihome.extensions import db

    return db
