"""POST /orders/{id}/payment, the notify endpoint and the return flow, with real signatures.

Alipay's side is played by ``alipay_side`` (signed with the simulator's key); the SDK's gateway calls
reach the simulator through ``sdk_transport``.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from tests.support.payments_fixtures import payment_of, signed_request_params

NOTIFY = "/api/v1.0/payments/alipay/notify"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def start(case, agent: str = DESKTOP):
    return case.api.post(f"/orders/{case.order}/payment", headers={"User-Agent": agent})


def pay_url_query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def order_status(app, order_id: int) -> str:
    with app.app_context():
        return db.session.get(Order, order_id).status


def pay_events(app, order_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OrderEvent)
                                 .where(OrderEvent.order_id == order_id, OrderEvent.to_status == "PAID"))


def started_payment(app, case):
    start(case).expect(200)
    with app.app_context():
        return payment_of(case.order)


# ---- starting a payment ---------------------------------------------------------------------------------

def test_start_gives_a_signed_page_pay_url_with_exact_yuan(app, awaiting_payment, alipay_keys):
    case = awaiting_payment(price=12345, nights=3)  # 370.35 yuan + 5 % fee 18.52 = 388.87
    url = start(case).expect(200).data["pay_url"]
    assert url.startswith("http://localhost/dev/alipay/gateway?")
    query = pay_url_query(url)
    assert query["method"] == "alipay.trade.page.pay"
    assert query["return_url"] == "http://localhost/pay/complete"
    assert query["notify_url"] == "http://localhost/api/v1.0/payments/alipay/notify"
    assert '"total_amount":"388.87"' in query["biz_content"]
    assert signed_request_params(query, alipay_keys.app_public_pem)
    with app.app_context():
        payment = payment_of(case.order)
        assert (payment.amount, payment.status) == (38887, PaymentStatus.STARTED.value)
        assert payment.out_trade_no.startswith(f"ih{case.order}-")
        assert f'"out_trade_no":"{payment.out_trade_no}"' in query["biz_content"]


def test_mobile_browsers_get_wap_pay_and_the_open_trade_is_reused(app, awaiting_payment):
    case = awaiting_payment(price=100, nights=1)
    first = pay_url_query(start(case, PHONE).data["pay_url"])
    second = pay_url_query(start(case, DESKTOP).data["pay_url"])
    assert first["method"] == "alipay.trade.wap.pay"
    assert '"total_amount":"1.05"' in first["biz_content"]  # 1 yuan + 5 % fee
    assert second["method"] == "alipay.trade.page.pay"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == case.order)) == 1


def test_only_the_guest_may_pay(app, awaiting_payment, client):
    case = awaiting_payment()
    from tests.conftest import login
    from tests.factories.accounts import make_user

    with app.app_context():
        stranger = make_user().id
    login(client, stranger)
    case.api.post(f"/orders/{case.order}/payment").expect(403, "4105")


def test_only_an_order_awaiting_payment_can_be_paid(awaiting_payment):
    case = awaiting_payment(status=OrderStatus.WAIT_ACCEPT)
    case.api.post(f"/orders/{case.order}/payment").expect(409, "4004")


def test_paying_needs_a_login_and_an_existing_order(api, awaiting_payment):
    api.post("/orders/1/payment").expect(401, "4101")
    case = awaiting_payment()
    case.api.post("/orders/999999/payment").expect(404, "4002")


def test_a_broken_key_is_a_provider_failure(app, awaiting_payment, monkeypatch):
    from ihome.integrations import payments

    def broken(self, **kwargs):
        raise payments.PaymentProviderError("no key")

    monkeypatch.setattr(payments.AlipayGateway, "page_pay_url", broken)
    case = awaiting_payment()
    start(case).expect(502, "4301")
    with app.app_context():
        assert payment_of(case.order) is None  # nothing half-done is kept


# ---- the notify endpoint --------------------------------------------------------------------------------

def test_a_genuine_notice_pays_the_order_once_even_replayed_ten_times(app, client, awaiting_payment, alipay_side):
    case = awaiting_payment()
    payment = started_payment(app, case)
    notice = alipay_side.notice(payment)
    answers = [client.post(NOTIFY, data=notice) for _ in range(10)]  # no CSRF header: exempt
    assert {(r.status_code, r.get_data(as_text=True), r.mimetype) for r in answers} == {(200, "success", "text/plain")}
    assert order_status(app, case.order) == "PAID"
    assert pay_events(app, case.order) == 1
    with app.app_context():
        rows = db.session.execute(select(Payment).where(Payment.order_id == case.order)).scalars().all()
        assert len(rows) == 1
        assert rows[0].status == PaymentStatus.SUCCEEDED.value
        assert rows[0].trade_no == notice["trade_no"]
        assert rows[0].notification["out_trade_no"] == payment.out_trade_no
        assert rows[0].paid_at is not None


@pytest.mark.parametrize("forgery", ["tampered_amount", "wrong_key", "wrong_app_id", "wrong_amount",
                                     "unknown_trade", "no_signature", "not_paid_status"])
def test_forged_or_mismatched_notices_change_nothing(app, client, awaiting_payment, alipay_side, alipay_keys,
                                                     forgery, caplog):
    case = awaiting_payment(price=5000, nights=2)
    payment = started_payment(app, case)
    if forgery == "tampered_amount":
        notice = alipay_side.notice(payment)
        notice["total_amount"] = "0.01"
    elif forgery == "wrong_key":  # signed with the app's own key, not Alipay's
        notice = alipay_side.notice(payment, key=alipay_keys.app_private_pem)
    elif forgery == "wrong_app_id":
        notice = alipay_side.notice(payment, app_id="2021999999999999")
    elif forgery == "wrong_amount":  # genuinely signed, but not what the order costs
        notice = alipay_side.notice(payment, total_amount="99.99")
    elif forgery == "unknown_trade":
        notice = alipay_side.notice(payment, out_trade_no="ih0-doesnotexist")
    elif forgery == "no_signature":
        notice = alipay_side.notice(payment)
        del notice["sign"]
    else:
        notice = alipay_side.notice(payment, trade_status="TRADE_PENDING")
    with caplog.at_level(logging.WARNING, logger="ihome.payments"):
        response = client.post(NOTIFY, data=notice)
    assert response.get_data(as_text=True) == "failure"
    assert order_status(app, case.order) == "WAIT_PAYMENT"
    with app.app_context():
        assert payment_of(case.order).status == PaymentStatus.STARTED.value
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("ihome.payments")]
    assert warnings and "out_trade_no" in warnings[0].getMessage()
    assert "PRIVATE KEY" not in caplog.text


def test_a_closed_trade_notice_closes_the_open_payment(app, client, awaiting_payment, alipay_side):
    case = awaiting_payment()
    payment = started_payment(app, case)
    assert client.post(NOTIFY, data=alipay_side.notice(payment, trade_status="TRADE_CLOSED")).text == "success"
    with app.app_context():
        assert payment_of(case.order).status == PaymentStatus.CLOSED.value
    assert order_status(app, case.order) == "WAIT_PAYMENT"


# ---- the return flow -----------------------------------------------------------------------------------

def test_return_before_the_notify_reports_processing_then_paid(app, client, awaiting_payment, alipay_side):
    case = awaiting_payment()
    payment = started_payment(app, case)
    params = alipay_side.return_params(payment)
    data = case.api.put("/order/payment", json=params).expect(200).data
    assert data == {"order_id": case.order, "status": "WAIT_PAYMENT", "paid": False}
    assert client.post(NOTIFY, data=alipay_side.notice(payment)).text == "success"
    data = case.api.put("/order/payment", json=params).expect(200).data
    assert data == {"order_id": case.order, "status": "PAID", "paid": True}
    assert pay_events(app, case.order) == 1


def test_return_after_the_notify_reports_paid(app, client, awaiting_payment, alipay_side):
    case = awaiting_payment()
    payment = started_payment(app, case)
    assert client.post(NOTIFY, data=alipay_side.notice(payment)).text == "success"
    data = case.api.put("/order/payment", json=alipay_side.return_params(payment)).expect(200).data
    assert data["status"] == "PAID"
    assert pay_events(app, case.order) == 1


def test_a_return_with_trade_success_applies_it_once(app, awaiting_payment, alipay_side):
    case = awaiting_payment()
    payment = started_payment(app, case)
    params = alipay_side.return_params(payment, trade_status="TRADE_SUCCESS")
    for _ in range(3):
        assert case.api.put("/order/payment", json=params).expect(200).data["status"] == "PAID"
    assert pay_events(app, case.order) == 1


@pytest.mark.parametrize("field, value", [("total_amount", "0.01"), ("app_id", "2021999999999999"),
                                          ("out_trade_no", "ih0-nope"), ("sign", "Zm9yZ2Vk")])
def test_a_forged_return_is_refused(app, awaiting_payment, alipay_side, field, value):
    case = awaiting_payment()
    payment = started_payment(app, case)
    params = alipay_side.return_params(payment, trade_status="TRADE_SUCCESS")
    params[field] = value
    case.api.put("/order/payment", json=params).expect(400, "4004")
    assert order_status(app, case.order) == "WAIT_PAYMENT"


def test_the_return_needs_its_parameters(api):
    assert api.put("/order/payment", json={"foo": "bar"}).expect(400, "4103").fields


# ---- money that arrives too late ------------------------------------------------------------------------

def test_a_payment_after_the_order_expired_is_recorded_and_refunded(app, client, awaiting_payment, alipay_side,
                                                                   sdk_transport, queued_refunds):
    from ihome.payments.simulator import state

    case = awaiting_payment(price=8800, nights=1)
    payment = started_payment(app, case)
    with app.test_request_context():  # the trade exists at the simulator: the buyer opened the cashier
        state.open_trade({"out_trade_no": payment.out_trade_no, "total_amount": "92.40", "subject": "s",
                          "notify_url": "", "return_url": "", "app_id": alipay_side.app_id,
                          "status": "TRADE_SUCCESS", "trade_no": "T1", "gmt_create": "", "gmt_payment": "",
                          "refunded": "0.00", "last_notification": None})
    with app.app_context():  # the expiry job cancels it meanwhile
        db.session.execute(Order.__table__.update().where(Order.id == case.order).values(status="CANCELED"))
        db.session.commit()
    for _ in range(3):
        assert client.post(NOTIFY, data=alipay_side.notice(payment)).text == "success"
    assert order_status(app, case.order) == "CANCELED"
    with app.app_context():
        assert payment_of(case.order).status == PaymentStatus.SUCCEEDED.value
    assert len(queued_refunds.queued) == 1  # one refund, however often the notice came
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    with app.app_context():
        refunds = db.session.execute(select(Refund)).scalars().all()
        assert [(r.amount, r.status) for r in refunds] == [(9240, RefundStatus.SUCCEEDED.value)]
        assert refunds[0].out_request_no == f"{payment.out_trade_no}-refund"
    assert sdk_transport == ["alipay.trade.refund"]
    granted = client.get("/dev/alipay/refunds.json").get_json()
    assert [(g["out_trade_no"], g["refund_amount"]) for g in granted] == [(payment.out_trade_no, "92.40")]
