"""The trade query job: a lost notify never leaves a paid order unpaid; abandoned trades are closed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from ihome.core.clock import now
from ihome.extensions import db
from ihome.orders.models import Order, OrderEvent
from ihome.payments.models import Payment, PaymentStatus
from ihome.payments.simulator import state
from tests.support.payments_fixtures import payment_of, run_task


def started(app, case, *, age_seconds: int = 600, trade_status: str | None = "TRADE_SUCCESS",
            total_amount: str | None = None):
    """Start paying; age the payment; open the trade at the simulator in ``trade_status``."""
    case.api.post(f"/orders/{case.order}/payment").expect(200)
    with app.app_context():
        payment = payment_of(case.order)
        db.session.execute(update(Payment).where(Payment.id == payment.id)
                           .values(create_time=now() - timedelta(seconds=age_seconds)))
        db.session.commit()
        if trade_status:
            amount = total_amount or f"{payment.amount // 100}.{payment.amount % 100:02d}"
            state.open_trade({"out_trade_no": payment.out_trade_no, "total_amount": amount, "subject": "s",
                              "notify_url": "", "return_url": "", "app_id": app.config["ALIPAY_APP_ID"],
                              "status": trade_status, "trade_no": "2026T1" if trade_status != "WAIT_BUYER_PAY"
                              else None, "gmt_create": "", "gmt_payment": "", "refunded": "0.00",
                              "last_notification": None})
        return payment


def statuses(app, case) -> tuple[str, str, int]:
    with app.app_context():
        payment = payment_of(case.order)
        events = db.session.scalar(select(func.count()).select_from(OrderEvent).where(
            OrderEvent.order_id == case.order, OrderEvent.to_status == "PAID"))
        return db.session.get(Order, case.order).status, payment.status, events


def test_a_paid_trade_whose_notify_was_lost_is_applied(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    started(app, case)
    assert run_task(app, "ihome.payments.query_unconfirmed") == 1
    assert statuses(app, case) == ("PAID", PaymentStatus.SUCCEEDED.value, 1)
    assert sdk_transport == ["alipay.trade.query"]
    assert run_task(app, "ihome.payments.query_unconfirmed") == 0  # confirmed payments are not queried again
    with app.app_context():
        assert payment_of(case.order).trade_no == "2026T1"


def test_young_payments_are_not_queried(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    started(app, case, age_seconds=5)
    assert run_task(app, "ihome.payments.query_unconfirmed") == 0
    assert sdk_transport == []


def test_an_unpaid_trade_of_an_order_still_awaiting_payment_is_left_open(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    started(app, case, trade_status="WAIT_BUYER_PAY")
    run_task(app, "ihome.payments.query_unconfirmed")
    assert statuses(app, case) == ("WAIT_PAYMENT", PaymentStatus.STARTED.value, 0)


def test_a_trade_answering_another_amount_is_ignored(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    started(app, case, total_amount="0.01")
    run_task(app, "ihome.payments.query_unconfirmed")
    assert statuses(app, case) == ("WAIT_PAYMENT", PaymentStatus.STARTED.value, 0)


def test_the_trade_of_a_cancelled_order_is_closed(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    payment = started(app, case, trade_status="WAIT_BUYER_PAY")
    with app.app_context():
        db.session.execute(update(Order).where(Order.id == case.order).values(status="CANCELED"))
        db.session.commit()
    run_task(app, "ihome.payments.query_unconfirmed")
    assert statuses(app, case) == ("CANCELED", PaymentStatus.CLOSED.value, 0)
    assert sdk_transport == ["alipay.trade.query", "alipay.trade.close"]
    with app.app_context():
        assert state.get_trade(payment.out_trade_no)["status"] == "TRADE_CLOSED"


def test_a_never_opened_trade_of_a_cancelled_order_is_closed(app, awaiting_payment, sdk_transport):
    case = awaiting_payment()
    started(app, case, trade_status=None)
    with app.app_context():
        db.session.execute(update(Order).where(Order.id == case.order).values(status="CANCELED"))
        db.session.commit()
    run_task(app, "ihome.payments.query_unconfirmed")
    assert statuses(app, case) == ("CANCELED", PaymentStatus.CLOSED.value, 0)
