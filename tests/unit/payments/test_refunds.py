"""Refunds: a guest's cancellation of a paid stay, retries after a gateway failure, the cap, idempotency."""

from __future__ import annotations

import logging
from urllib.error import URLError

from sqlalchemy import select

from ihome.extensions import db
from ihome.payments import service
from ihome.payments.models import Refund, RefundStatus
from ihome.payments.simulator import state
from tests.support.payments_fixtures import payment_of, run_task

NOTIFY = "/api/v1.0/payments/alipay/notify"


def paid_order(app, client, awaiting_payment, alipay_side, **order):
    """An order paid through a genuine notice, with its trade open at the simulator (``order``: the
    ``awaiting_payment`` arguments; 2 nights at ¥300 unless given)."""
    case = awaiting_payment(**{"price": 30000, "nights": 2, **order})
    case.api.post(f"/orders/{case.order}/payment").expect(200)
    with app.app_context():
        payment = payment_of(case.order)
        state.open_trade({"out_trade_no": payment.out_trade_no, "total_amount": alipay_side.notice(payment)[
            "total_amount"], "subject": "s", "notify_url": "", "return_url": "", "app_id": alipay_side.app_id,
            "status": "TRADE_SUCCESS", "trade_no": "T", "gmt_create": "", "gmt_payment": "", "refunded": "0.00",
            "last_notification": None})
    assert client.post(NOTIFY, data=alipay_side.notice(payment)).text == "success"
    return case, payment


def refunds(app) -> list[tuple[int, str, int]]:
    with app.app_context():
        return [(r.amount, r.status, r.attempts) for r in db.session.execute(select(Refund)).scalars()]


def granted(client) -> list[tuple[str, str]]:
    return [(g["out_trade_no"], g["refund_amount"]) for g in client.get("/dev/alipay/refunds.json").get_json()]


def test_cancelling_a_paid_stay_refunds_it_in_full(app, client, awaiting_payment, alipay_side, sdk_transport,
                                                    queued_refunds):
    case, payment = paid_order(app, client, awaiting_payment, alipay_side)
    data = case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200).data
    assert data["status"] == "CANCELED"
    assert refunds(app) == [(63000, RefundStatus.PENDING.value, 0)]
    assert queued_refunds.queued  # queued after the cancellation committed
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    assert refunds(app) == [(63000, RefundStatus.SUCCEEDED.value, 1)]
    assert granted(client) == [(payment.out_trade_no, "630.00")]
    assert sdk_transport == ["alipay.trade.refund"]


def test_a_failed_refund_stays_pending_and_the_retry_job_finishes_it(app, client, awaiting_payment, alipay_side,
                                                                     sdk_transport, queued_refunds):
    case, payment = paid_order(app, client, awaiting_payment, alipay_side)
    with app.app_context():
        state.fail_next_refunds(1)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert queued_refunds.run() == [RefundStatus.PENDING.value]
    with app.app_context():
        refund = db.session.execute(select(Refund)).scalar_one()
        assert (refund.status, refund.attempts) == (RefundStatus.PENDING.value, 1)
        assert "ACQ.SYSTEM_ERROR" in refund.last_error
    assert granted(client) == []
    assert run_task(app, "ihome.payments.retry_refunds") == 1
    assert refunds(app) == [(63000, RefundStatus.SUCCEEDED.value, 2)]
    assert run_task(app, "ihome.payments.retry_refunds") == 0  # nothing left to retry
    assert granted(client) == [(payment.out_trade_no, "630.00")]


def test_an_unreachable_gateway_is_retried_too(app, client, awaiting_payment, alipay_side, queued_refunds,
                                               monkeypatch):
    import alipay

    case, _payment = paid_order(app, client, awaiting_payment, alipay_side)

    def down(url, timeout=None):
        raise URLError("connection refused")

    monkeypatch.setattr(alipay, "urlopen", down)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    assert queued_refunds.run() == [RefundStatus.PENDING.value]
    with app.app_context():
        assert "unreachable" in db.session.execute(select(Refund)).scalar_one().last_error


def test_after_the_cap_a_refund_is_failed_and_logged_as_an_error(app, client, awaiting_payment, alipay_side,
                                                                 sdk_transport, queued_refunds, monkeypatch, caplog):
    case, _payment = paid_order(app, client, awaiting_payment, alipay_side)
    monkeypatch.setitem(app.config, "REFUND_MAX_ATTEMPTS", 2)
    with app.app_context():
        state.fail_next_refunds(5)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)
    queued_refunds.run()
    with caplog.at_level(logging.ERROR, logger="ihome.payments"):
        run_task(app, "ihome.payments.retry_refunds")
    assert refunds(app) == [(63000, RefundStatus.FAILED.value, 2)]
    assert any(r.levelno == logging.ERROR and "FAILED" in r.getMessage() for r in caplog.records)
    assert run_task(app, "ihome.payments.retry_refunds") == 0  # FAILED is left to an operator


def test_a_repeated_refund_request_is_granted_once(app, client, awaiting_payment, alipay_side, sdk_transport):
    _case, payment = paid_order(app, client, awaiting_payment, alipay_side)
    with app.test_request_context():
        from ihome.integrations.payments import get_payment_gateway

        gateway = get_payment_gateway()
        first = gateway.refund(payment.out_trade_no, "630.00", "req-1")
        second = gateway.refund(payment.out_trade_no, "630.00", "req-1")
        other = gateway.refund(payment.out_trade_no, "630.00", "req-2")
    assert (first["code"], first["fund_change"]) == ("10000", "Y")
    assert (second["code"], second["fund_change"]) == ("10000", "N")
    assert other["sub_code"] == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    assert granted(client) == [(payment.out_trade_no, "630.00")]


def test_cancelling_without_a_payment_refunds_nothing(app_ctx, caplog):
    with caplog.at_level(logging.WARNING, logger="ihome.payments"):
        assert service.refund_cancelled_order(order_id=424242) == []
    assert "no successful payment" in caplog.text
