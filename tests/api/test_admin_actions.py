"""The administrators' actions: each changes what it says, writes its audit row and its texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError

from ihome.accounts.models import User
from ihome.admin.audit_models import AppendOnly, AuditEntry
from ihome.core import clock
from ihome.extensions import db
from ihome.houses.models import House
from ihome.orders.models import Order, OrderEvent, OrderStatus
from ihome.payments.models import Payment, Refund, RefundStatus
from tests.factories.accounts import DEFAULT_PASSWORD, make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient

S = OrderStatus


def audit_rows() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def paid_order(house, guest=None, *, start_in: int = 3) -> Order:
    order = make_order(house=house, guest=guest, status=S.PAID, start=clock.today() + timedelta(days=start_in))
    db.session.add(Payment(order_id=order.id, out_trade_no=f"ih{order.id}-t", amount=order.amount,
                           status="SUCCEEDED"))
    db.session.commit()
    return order


def loaded(*rows):
    """Read every attribute now, so the objects stay readable after requests end the session."""
    for row in rows:
        db.session.refresh(row)
    return rows


def search_ids(api) -> list[int]:
    return [h["house_id"] for h in api.get("/houses").expect(200).data["houses"]]


# ---- listings ----------------------------------------------------------------------------------------------

def test_unlisting_hides_a_house_at_once_and_texts_the_host(app, admin, admin_api, api, admin_texts):
    host = make_user(verified=True)
    house = make_house(owner=host, images=1, title="湖边小屋")
    assert house.id in search_ids(api)  # cached now
    assert house.id in [h["house_id"] for h in api.get("/houses/index").data]
    api.get(f"/houses/{house.id}").expect(200)

    answer = admin_api.put(f"/admin/houses/{house.id}/listing", json={"listed": False, "reason": "虚假房源"})
    assert answer.expect(200).data == {"listed": False}

    db.session.expire_all()
    row = db.session.get(House, house.id)
    assert (row.listed, row.unlisted_reason) == (False, "虚假房源")
    assert house.id not in search_ids(api)  # the cached page is not served again
    assert house.id not in [h["house_id"] for h in api.get("/houses/index").data]
    api.get(f"/houses/{house.id}").expect(404, "4002")
    admin_api.get(f"/houses/{house.id}").expect(200)
    owner = ApiClient(app.test_client())
    with owner.client.session_transaction() as session:
        session["user_id"] = host.id
    owner.get(f"/houses/{house.id}").expect(200)
    [entry] = audit_rows()
    assert (entry.admin_id, entry.action, entry.target_type, entry.target_id, entry.reason) == (
        admin.id, "house.unlist", "house", house.id, "虚假房源")
    assert [m for m, _ in admin_texts] == [host.mobile] and "虚假房源" in admin_texts[0][1]

    admin_api.put(f"/admin/houses/{house.id}/listing", json={"listed": True}).expect(200)
    assert house.id in search_ids(api)
    api.get(f"/houses/{house.id}").expect(200)
    assert [e.action for e in audit_rows()] == ["house.unlist", "house.relist"]


def test_an_unlisted_house_cannot_be_booked(admin_api, stay):
    admin_api.put(f"/admin/houses/{stay.house.id}/listing", json={"listed": False, "reason": "下架"}).expect(200)
    stay.book().expect(404, "4002")
    assert db.session.scalars(select(Order).where(Order.house_id == stay.house.id)).all() == []
    admin_api.put(f"/admin/houses/{stay.house.id}/listing", json={"listed": True}).expect(200)
    stay.book().expect(201)


def test_unlisting_needs_a_reason_and_changes_nothing_without_one(admin_api):
    house = make_house()
    for body in ({"listed": False}, {"listed": False, "reason": "   "}):
        response = admin_api.put(f"/admin/houses/{house.id}/listing", json=body).expect(400, "4103")
        assert "reason" in response.fields
    db.session.expire_all()
    assert db.session.get(House, house.id).listed is True and audit_rows() == []


def test_listing_errors_are_enveloped(admin_api):
    admin_api.put("/admin/houses/999999/listing", json={"listed": False, "reason": "x"}).expect(404, "4002")
    admin_api.put(f"/admin/houses/{make_house().id}/listing", json={"listed": "maybe"}).expect(400, "4103")
    admin_api.put(f"/admin/houses/{make_house().id}/listing", data="nope",
                  headers={"Content-Type": "application/json"}).expect(400, "4103")


# ---- users -------------------------------------------------------------------------------------------------

def test_suspending_a_host_winds_down_everything(app, admin, admin_api, api, admin_texts, queued_refunds):
    host = make_user(verified=True)
    house = make_house(owner=host)
    other_house = make_house()
    waiting = make_order(house=house, status=S.WAIT_ACCEPT)
    unpaid = make_order(house=house, status=S.WAIT_PAYMENT, start=clock.today() + timedelta(days=10))
    paid = paid_order(house, start_in=20)
    past = make_order(house=house, status=S.COMPLETE, start=clock.today() - timedelta(days=10))
    own_booking = make_order(house=other_house, guest=host, status=S.WAIT_ACCEPT)
    loaded(host, house, waiting, unpaid, paid, past, own_booking)
    # the host is logged in through the login API in another browser
    browser = ApiClient(app.test_client())
    browser.post("/sessions", json={"mobile": host.mobile, "password": DEFAULT_PASSWORD}).expect(200)
    browser.get("/session").expect(200)
    assert house.id in search_ids(api)

    answer = admin_api.put(f"/admin/users/{host.id}/status", json={"active": False, "reason": "欺诈"})
    assert answer.expect(200).data == {"active": False}

    db.session.expire_all()
    user = db.session.get(User, host.id)
    assert (user.is_active, user.suspended_reason) == (False, "欺诈")
    status = {o.id: db.session.get(Order, o.id).status for o in (waiting, unpaid, paid, past, own_booking)}
    assert status == {waiting.id: "REJECTED", unpaid.id: "CANCELED", paid.id: "CANCELED", past.id: "COMPLETE",
                      own_booking.id: "CANCELED"}
    assert db.session.get(Order, waiting.id).reject_reason == "欺诈"
    events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id.in_(list(status)))).all()
    assert {e.actor for e in events} == {f"admin:{admin.id}"} and len(events) == 4
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.amount == paid.amount and refund.status == RefundStatus.PENDING.value
    assert len(queued_refunds.queued) == 1
    assert [e.action for e in audit_rows()] == ["user.suspend"]
    browser.get("/session").expect(401, "4101")  # the session is gone from Redis
    browser.post("/sessions", json={"mobile": host.mobile, "password": DEFAULT_PASSWORD}).expect(403, "4104")
    assert house.id not in search_ids(api)
    api.get(f"/houses/{house.id}").expect(404, "4002")
    guests = {db.session.get(User, o.user_id).mobile for o in (waiting, unpaid, paid)}
    assert guests <= {mobile for mobile, _ in admin_texts}

    admin_api.put(f"/admin/users/{host.id}/status", json={"active": True}).expect(200)
    assert house.id in search_ids(api)
    browser.post("/sessions", json={"mobile": host.mobile, "password": DEFAULT_PASSWORD}).expect(200)
    assert [e.action for e in audit_rows()] == ["user.suspend", "user.restore"]


def test_suspending_needs_a_reason_and_never_yourself(admin, admin_api):
    person = make_user()
    admin_api.put(f"/admin/users/{person.id}/status", json={"active": False}).expect(400, "4103")
    admin_api.put(f"/admin/users/{admin.id}/status", json={"active": False, "reason": "x"}).expect(409, "4004")
    admin_api.put("/admin/users/999999/status", json={"active": False, "reason": "x"}).expect(404, "4002")
    db.session.expire_all()
    assert db.session.get(User, person.id).is_active and db.session.get(User, admin.id).is_active
    assert audit_rows() == []


# ---- orders ------------------------------------------------------------------------------------------------

def test_cancelling_a_paid_order_refunds_it_in_full(admin, admin_api, admin_texts, queued_refunds):
    house = make_house()
    order = paid_order(house)
    loaded(order)
    answer = admin_api.put(f"/admin/orders/{order.id}/cancel", json={"reason": "房东失联"})
    assert answer.expect(200).data == {"order_id": order.id, "status": "CANCELED"}
    db.session.expire_all()
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).one()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "PAID", "CANCELED", f"admin:{admin.id}", "房东失联")
    assert event.actor.split(":")[0] == "admin"  # the event's actor role
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.amount == order.amount and queued_refunds.queued == [refund.id]  # the existing refund path
    [entry] = audit_rows()
    assert (entry.action, entry.target_id, entry.reason) == ("order.cancel", order.id, "房东失联")
    assert len(admin_texts) == 2  # guest and host


def test_cancelling_a_request_refunds_nothing(admin_api, queued_refunds):
    order = make_order(house=make_house(), status=S.WAIT_ACCEPT)
    admin_api.put(f"/admin/orders/{order.id}/cancel", json={"reason": "测试"}).expect(200)
    assert db.session.scalars(select(Refund)).all() == [] and queued_refunds.queued == []


@pytest.mark.parametrize("state", [S.COMPLETE, S.CANCELED, S.REJECTED, S.WAIT_COMMENT])
def test_orders_past_cancelling_answer_409_and_stay(admin_api, state):
    order = make_order(house=make_house(), status=state)
    admin_api.put(f"/admin/orders/{order.id}/cancel", json={"reason": "x"}).expect(409, "4004")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == state.value and audit_rows() == []


def test_cancel_needs_a_reason(admin_api):
    order = make_order(house=make_house())
    admin_api.put(f"/admin/orders/{order.id}/cancel", json={}).expect(400, "4103")
    admin_api.put(f"/admin/orders/{order.id}/cancel", json={"reason": " "}).expect(400, "4103")
    admin_api.put("/admin/orders/999999/cancel", json={"reason": "x"}).expect(404, "4002")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "WAIT_ACCEPT" and audit_rows() == []


def test_hiding_a_review_removes_it_from_comments_and_rating(admin_api, api):
    house = make_house(rating_sum=9, rating_count=2)
    kept = make_order(house=house, status=S.COMPLETE, comment="很好", rating=5)
    hidden = make_order(house=house, status=S.COMPLETE, comment="骂人的话", rating=4,
                        start=clock.today() + timedelta(days=5))
    kept_id, hidden_id, house_id = kept.id, hidden.id, house.id  # the rows are read back after requests
    assert api.get(f"/houses/{house_id}").data["house"]["avg_rating"] == 4.5
    answer = admin_api.put(f"/admin/orders/{hidden_id}/reviews", json={"visible": False, "reason": "辱骂"})
    assert answer.expect(200).data == {"order_id": hidden_id, "review_hidden": True}
    detail = api.get(f"/houses/{house_id}").data["house"]
    assert [c["comment"] for c in detail["comments"]] == ["很好"] and detail["avg_rating"] == 5.0
    admin_api.put(f"/admin/orders/{hidden_id}/reviews", json={"visible": False, "reason": "again"}).expect(200)
    db.session.expire_all()
    assert (db.session.get(House, house_id).rating_sum, db.session.get(House, house_id).rating_count) == (5, 1)
    admin_api.put(f"/admin/orders/{hidden_id}/reviews", json={"visible": True, "reason": "申诉成功"}).expect(200)
    detail = api.get(f"/houses/{house_id}").data["house"]
    assert len(detail["comments"]) == 2 and detail["avg_rating"] == 4.5
    assert [e.action for e in audit_rows()] == ["order.hide_reviews", "order.hide_reviews", "order.show_reviews"]
    assert db.session.get(Order, kept_id).review_hidden is False


def test_a_stay_without_review_cannot_be_hidden(admin_api):
    order = make_order(house=make_house(), status=S.PAID)
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": False, "reason": "x"}).expect(409, "4004")
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": False}).expect(400, "4103")
    assert audit_rows() == []


# ---- refunds -----------------------------------------------------------------------------------------------

def make_refund(status: RefundStatus, attempts: int = 20) -> Refund:
    order = paid_order(make_house())
    payment = db.session.scalars(select(Payment).where(Payment.order_id == order.id)).one()
    refund = Refund(payment_id=payment.id, out_request_no=f"{payment.out_trade_no}-refund", amount=order.amount,
                    status=status.value, attempts=attempts, last_error="ACQ.SYSTEM_ERROR")
    db.session.add(refund)
    db.session.commit()
    db.session.refresh(refund)
    return refund


def test_refunds_are_listed_by_status(admin_api):
    failed, done = make_refund(RefundStatus.FAILED), make_refund(RefundStatus.SUCCEEDED)
    data = admin_api.get("/admin/refunds?status=FAILED").expect(200).data
    assert [r["refund_id"] for r in data["refunds"]] == [failed.id] and data["total"] == 1
    assert data["refunds"][0]["last_error"] == "ACQ.SYSTEM_ERROR" and data["refunds"][0]["attempts"] == 20
    assert {r["refund_id"] for r in admin_api.get("/admin/refunds").data["refunds"]} == {failed.id, done.id}
    admin_api.get("/admin/refunds?status=LOST").expect(400, "4103")


def test_retrying_a_failed_refund_sends_it_again(admin, admin_api, queued_refunds, sdk_transport):
    refund = make_refund(RefundStatus.FAILED, attempts=3)
    assert admin_api.post(f"/admin/refunds/{refund.id}/retry").expect(200).data == {"status": "PENDING"}
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == RefundStatus.PENDING.value
    assert queued_refunds.queued == [refund.id]
    queued_refunds.run()  # the worker calls the gateway again (the simulator knows no such trade: refused)
    assert "alipay.trade.refund" in sdk_transport
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).attempts == 4
    [entry] = audit_rows()
    assert (entry.admin_id, entry.action, entry.target_id) == (admin.id, "refund.retry", refund.id)
    db.session.execute(update(Refund).where(Refund.id == refund.id).values(status="SUCCEEDED"))
    db.session.commit()
    admin_api.post(f"/admin/refunds/{refund.id}/retry", json={"reason": "again"}).expect(409, "4004")
    admin_api.post("/admin/refunds/999999/retry").expect(404, "4002")
    admin_api.post(f"/admin/refunds/{refund.id}/retry", json={"reason": 5}).expect(400, "4103")
    assert len(audit_rows()) == 1


# ---- lists and the audit log -------------------------------------------------------------------------------

def test_lists_search_filter_and_page(admin_api):
    host = make_user(verified=True, name="房东甲")
    houses = [make_house(owner=host, title=f"西湖 {i}", area_id=2) for i in range(22)]
    make_house(title="别处", area_id=3)
    loaded(host, *houses)
    data = admin_api.get("/admin/houses?q=西湖&aid=2").expect(200).data
    assert (data["total"], data["total_page"], data["current_page"], len(data["houses"])) == (22, 2, 1, 20)
    assert data["houses"][0]["house_id"] == houses[-1].id and data["houses"][0]["host"]["name"] == "房东甲"
    assert len(admin_api.get("/admin/houses?q=西湖&aid=2&p=2").data["houses"]) == 2
    assert admin_api.get("/admin/houses?q=100%25").data["total"] == 0  # % is literal
    assert houses[-1].id in [h["house_id"] for h in admin_api.get(f"/admin/houses?q={houses[-1].id}").data["houses"]]
    admin_api.get("/admin/houses?p=0").expect(400, "4103")
    admin_api.get("/admin/houses?status=gone").expect(400, "4103")
    users = admin_api.get("/admin/users?q=房东甲").expect(200).data
    assert users["users"][0]["houses"] == 22 and users["users"][0]["mobile"] == host.mobile
    order = make_order(house=houses[0], status=S.PAID)
    orders = admin_api.get("/admin/orders?status=PAID&aid=2").expect(200).data
    assert [o["order_id"] for o in orders["orders"]] == [order.id]
    assert admin_api.get("/admin/orders?status=PAID&aid=3").data["orders"] == []


def test_audit_log_is_newest_first(admin, admin_api):
    house = make_house()
    admin_api.put(f"/admin/houses/{house.id}/listing", json={"listed": False, "reason": "一"}).expect(200)
    admin_api.put(f"/admin/houses/{house.id}/listing", json={"listed": True, "reason": "二"}).expect(200)
    entries = admin_api.get("/admin/audit").expect(200).data["entries"]
    assert [(e["action"], e["target"], e["reason"], e["admin_id"]) for e in entries] == [
        ("house.relist", f"house:{house.id}", "二", admin.id), ("house.unlist", f"house:{house.id}", "一", admin.id)]
    assert entries[0]["admin_name"] == admin.name


def test_the_audit_log_cannot_be_edited_or_deleted(admin, admin_api):
    house = make_house()
    admin_api.put(f"/admin/houses/{house.id}/listing", json={"listed": False, "reason": "原因"}).expect(200)
    [entry] = audit_rows()
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE ih_admin_audit SET reason = 'x'", "DELETE FROM ih_admin_audit"):
        with pytest.raises(DatabaseError), db.session.begin_nested():
            db.session.execute(text(statement))
    with pytest.raises(DatabaseError), db.session.begin_nested():
        db.session.execute(update(AuditEntry).values(reason="x"))
    db.session.expire_all()
    assert [(e.reason, e.action) for e in audit_rows()] == [("原因", "house.unlist")]
