"""A guest's cancel of a paid stay refunds what the order's policy gives, through the simulator's partial refund.

The real SDK reaches the real simulator (``sdk_transport``); the simulator grants ``refund_amount`` and
lists it at /dev/alipay/refunds.json. A refund of 0 makes no gateway call; a host cancel refunds in full.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent
from ihome.payments.models import Refund, RefundStatus
from ihome.payments.simulator import state
from tests.unit.payments.test_refunds import granted, paid_order, refunds


def paid(app, client, awaiting_payment, alipay_side, *, policy: str, start_in: int, price: int = 33333,
         nights: int = 3):
    """A paid order (a genuine notice) under ``policy``, check-in ``start_in`` days ahead, its trade open."""
    return paid_order(app, client, awaiting_payment, alipay_side, price=price, nights=nights, policy=policy,
                      start_in=start_in)


def test_moderate_four_days_before_refunds_half_the_nights_floored(app, client, awaiting_payment, alipay_side,
                                                                    sdk_transport, queued_refunds):
    # subtotal 3 × 33333 = 99999 fen; amount 104999; half of the nights is 49999.5, floored
    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="moderate", start_in=4)
    assert payment.amount == 104999
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert refunds(app) == [(49999, RefundStatus.PENDING.value, 0)]
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    assert granted(client) == [(payment.out_trade_no, "499.99")]
    assert sdk_transport == ["alipay.trade.refund"]
    with app.app_context():
        trade = state.get_trade(payment.out_trade_no)
        assert trade is not None and trade["refunded"] == "499.99" and trade["status"] == "TRADE_SUCCESS"
    # the order's page shows it
    detail = case.api.get(f"/orders/{case.order}").expect(200).data
    assert detail["refund"] == {"amount": 49999, "amount_display": "¥499.99", "status": "SUCCEEDED"}
    assert detail["cancellation_policy"] == "moderate" and detail["status"] == "CANCELED"


def test_moderate_five_days_before_refunds_everything(app, client, awaiting_payment, alipay_side, sdk_transport,
                                                      queued_refunds):
    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="moderate", start_in=5)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    assert granted(client) == [(payment.out_trade_no, "1049.99")]


def test_strict_seven_days_before_refunds_half_the_nights(app, client, awaiting_payment, alipay_side,
                                                          sdk_transport, queued_refunds):
    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="strict", start_in=7)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    assert granted(client) == [(payment.out_trade_no, "499.99")]


def test_strict_late_refunds_nothing_and_calls_no_gateway_but_the_order_is_cancelled(
        app, client, awaiting_payment, alipay_side, sdk_transport, queued_refunds):
    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="strict", start_in=6)
    data = case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200).data
    assert data["status"] == "CANCELED"
    assert refunds(app) == [] and queued_refunds.queued == []
    assert sdk_transport == [] and granted(client) == []
    assert case.api.get(f"/orders/{case.order}").expect(200).data["refund"] is None


def test_a_refund_is_asked_once_whatever_retries(app, client, awaiting_payment, alipay_side, sdk_transport,
                                                         queued_refunds):
    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="flexible", start_in=1)
    with app.app_context():
        state.fail_next_refunds(1)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert queued_refunds.run() == [RefundStatus.PENDING.value]
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(409, "4004")  # once
    with app.app_context():
        refund = db.session.execute(select(Refund)).scalar_one()
        assert refund.out_request_no == f"{payment.out_trade_no}-refund"  # stable: the gateway grants it once
        from ihome.payments import service

        assert service.process_refund(refund_id=refund.id) == RefundStatus.SUCCEEDED.value
        db.session.commit()
        assert service.refund_cancelled_order(order_id=case.order, amount=1) == [refund]  # no second refund
    assert granted(client) == [(payment.out_trade_no, "1049.99")]


def test_a_host_cancel_of_a_paid_stay_refunds_everything_whatever_the_policy(
        app, client, awaiting_payment, alipay_side, sdk_transport, queued_refunds):
    from tests.conftest import login

    case, payment = paid(app, client, awaiting_payment, alipay_side, policy="strict", start_in=2)
    with app.app_context():
        host_id = db.session.get(Order, case.order).house.user_id
    login(client, host_id)
    data = case.api.put(f"/orders/{case.order}/status",
                        json={"action": "host_cancel", "reason": "The boiler broke"}).expect(200).data
    assert data == {"order_id": case.order, "status": "CANCELED"}
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    assert granted(client) == [(payment.out_trade_no, "1049.99")]
    with app.app_context():
        event = db.session.execute(select(OrderEvent).where(OrderEvent.order_id == case.order)
                                   .order_by(OrderEvent.id.desc())).scalars().first()
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            "PAID", "CANCELED", f"user:{host_id}", "The boiler broke")
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
