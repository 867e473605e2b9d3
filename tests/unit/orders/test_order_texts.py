"""Texts on money events (API.md: guest texts on payment, refund and host cancel; host texts on payment
and on a paid stay cancelled), end to end: the change commits, the SMS task leaves after commit
(Celery eager in tests) and the console SMS backend's outbox holds the text. A rollback texts nobody.
"""

from __future__ import annotations

from ihome.accounts.models import User
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.presenters import money
from ihome.integrations.sms import outbox
from ihome.orders import service as orders
from ihome.orders.models import Order
from ihome.payments import service as payments
from ihome.payments.models import RefundStatus
from tests.conftest import login
from tests.support.api_client import ApiClient
from tests.support.payments_fixtures import payment_of
from tests.unit.payments.test_refunds import NOTIFY, paid_order


def mobiles(app, case) -> tuple[str, str, int]:
    """(guest's mobile, host's mobile, host's id) of a case."""
    with app.app_context():
        house = db.session.get(House, case.house)
        return db.session.get(User, case.guest).mobile, db.session.get(User, house.user_id).mobile, house.user_id


def texts_to(app, mobile: str) -> list[str]:
    with app.app_context():
        return [entry["body"] for entry in outbox() if entry["mobile"] == mobile]


def test_a_payment_texts_the_guest_the_amount_and_the_host(app, client, awaiting_payment, alipay_side):
    case, payment = paid_order(app, client, awaiting_payment, alipay_side, price=12345, nights=3)
    guest_mobile, host_mobile, _host = mobiles(app, case)
    (to_guest,) = texts_to(app, guest_mobile)
    assert money(payment.amount) in to_guest and "已确认" in to_guest  # ¥388.87: 37035 + 1852 fee, odd fen
    (to_host,) = texts_to(app, host_mobile)
    assert "房客已为" in to_host and "付款" in to_host
    # the same notice again changes nothing and texts nobody
    assert client.post(NOTIFY, data=alipay_side.notice(payment)).text == "success"
    assert len(texts_to(app, guest_mobile)) == 1 and len(texts_to(app, host_mobile)) == 1


def test_a_refund_texts_the_guest_its_amount_once_it_succeeded(app, client, awaiting_payment, alipay_side,
                                                                 sdk_transport, queued_refunds):
    case, payment = paid_order(app, client, awaiting_payment, alipay_side, price=33333, nights=3)
    guest_mobile, host_mobile, _host = mobiles(app, case)
    case.api.put(f"/orders/{case.order}/status", json={"action": "cancel"}).expect(200)  # flexible: all back
    cancelled = texts_to(app, guest_mobile)
    assert len(cancelled) == 2  # paid, then the cancel's own text; no refund text while it is pending
    assert "已重新开放" in texts_to(app, host_mobile)[-1]  # the host: a paid stay was cancelled
    assert queued_refunds.run() == [RefundStatus.SUCCEEDED.value]
    refunded = texts_to(app, guest_mobile)[2:]
    assert len(refunded) == 1 and money(payment.amount) in refunded[0] and "已退还" in refunded[0]


def test_a_host_cancel_texts_the_guest(app, client, awaiting_payment, alipay_side, queued_refunds):
    case, _payment = paid_order(app, client, awaiting_payment, alipay_side)
    guest_mobile, _host_mobile, host_id = mobiles(app, case)
    host_client = app.test_client()
    login(host_client, host_id)
    ApiClient(host_client).put(f"/orders/{case.order}/status",
                               json={"action": "host_cancel", "reason": "Burst pipe"}).expect(200)
    last = texts_to(app, guest_mobile)[-1]
    assert "房东取消" in last and "Burst pipe" in last


def test_an_admin_cancel_of_a_paid_stay_texts_the_host(app, client, awaiting_payment, alipay_side, admin_api,
                                                       queued_refunds):
    case, _payment = paid_order(app, client, awaiting_payment, alipay_side)
    _guest_mobile, host_mobile, _host = mobiles(app, case)
    before = len(texts_to(app, host_mobile))
    admin_api.put(f"/admin/orders/{case.order}/cancel", json={"reason": "Fraud check"}).expect(200)
    after = texts_to(app, host_mobile)
    assert len(after) == before + 1 and "Fraud check" in after[-1]


def test_nothing_is_texted_when_the_change_rolls_back(app, client, awaiting_payment, alipay_side):
    case = awaiting_payment()
    case.api.post(f"/orders/{case.order}/payment").expect(200)
    guest_mobile, host_mobile, host_id = mobiles(app, case)
    with app.app_context():
        notice = alipay_side.notice(payment_of(case.order))
        assert payments.handle_notification(data=notice) is True
        assert db.session.get(Order, case.order).status == "PAID"
        db.session.rollback()
        assert db.session.get(Order, case.order).status == "WAIT_PAYMENT"
    assert texts_to(app, guest_mobile) == [] and texts_to(app, host_mobile) == []
    assert client.post(NOTIFY, data=notice).text == "success"  # committed this time: both texted
    assert len(texts_to(app, guest_mobile)) == 1 and len(texts_to(app, host_mobile)) == 1
    with app.app_context():
        orders.change_status(user_id=host_id, order_id=case.order, action="host_cancel", reason="Rolled back")
        db.session.rollback()
        assert db.session.get(Order, case.order).status == "PAID"
    assert len(texts_to(app, guest_mobile)) == 1
