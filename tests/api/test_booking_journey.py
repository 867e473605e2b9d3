"""The booking journey's server side: the stand-in quote endpoint, GET /orders/{id}'s display strings and
cancel preview, the host's list with the guest, the real-name page's ``?next=`` and the check-digit message.

Run on SQLite and PostgreSQL (``IHOME_TEST_DB``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ihome.accounts.models import User
from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import Order, OrderStatus
from ihome.orders.money import days_before_check_in, policy_refund
from ihome.payments import service as payments
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import add_event, make_order

S = OrderStatus


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


# ---- GET /houses/{id}/quote (replaced at merge by the calendar helper's endpoint, same contract) ----------

def test_a_quote_gives_the_money_and_its_display_strings_and_books_nothing(api):
    house = make_house(price=41650, capacity=3)
    before = orders_count()
    data = api.get(f"/houses/{house.id}/quote?start_date={day(3)}&end_date={day(5)}&guests=2").expect(200).data
    assert data == {
        "nights": 2, "subtotal": 83300, "service_fee": 4165, "amount": 87465,
        "subtotal_display": "¥833", "service_fee_display": "¥41.65", "amount_display": "¥874.65",
        "nightly": [{"date": day(3), "price": 41650, "price_display": "¥416.50"},
                    {"date": day(4), "price": 41650, "price_display": "¥416.50"}],
    }
    assert orders_count() == before


def test_a_quote_of_taken_nights_is_409(api):
    house = make_house()
    make_order(house=house, start=clock.today() + timedelta(days=4), nights=1)
    api.get(f"/houses/{house.id}/quote?start_date={day(3)}&end_date={day(5)}").expect(409, "4004")
    api.get(f"/houses/{house.id}/quote?start_date={day(5)}&end_date={day(6)}").expect(200)  # back to back


@pytest.mark.parametrize(("query", "field"), [
    (f"start_date={day(-1)}&end_date={day(1)}", "start_date"),
    (f"start_date={day(3)}&end_date={day(3)}", "end_date"),
    (f"start_date={day(3)}&end_date={day(4)}", "end_date"),  # 1 night, the house takes 2 or more
    (f"start_date={day(3)}&end_date={day(6)}&guests=5", "guests"),  # capacity 2
    (f"start_date=tomorrow&end_date={day(6)}", "start_date"),
    (f"end_date={day(6)}", "start_date"),
])
def test_a_bad_quote_is_4103_naming_the_field(api, query, field):
    house = make_house(min_days=2, capacity=2)
    response = api.get(f"/houses/{house.id}/quote?{query}").expect(400, "4103")
    assert field in response.fields


def test_a_quote_of_an_unknown_house_is_404(api):
    api.get(f"/houses/99999999/quote?start_date={day(3)}&end_date={day(5)}").expect(404, "4002")


# ---- GET /orders/{id}: display strings and the cancel preview ---------------------------------------------

@pytest.mark.parametrize(("policy", "start_in", "refund"), [
    ("moderate", 10, 63000), ("moderate", 3, 30000), ("strict", 10, 30000), ("strict", 2, 0), ("flexible", 2, 63000),
])
def test_a_paid_order_previews_what_a_guest_cancel_refunds_today(stay, policy, start_in, refund):
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, nights=3, cancellation_policy=policy,
                       start=clock.today() + timedelta(days=start_in))
    data = stay.guest_api.get(f"/orders/{order.id}").expect(200).data
    # the one rule of ihome.orders.money, not a second copy
    assert refund == policy_refund(policy=policy, amount=order.amount, subtotal=order.subtotal,
                                   days_before=days_before_check_in(start_date=order.start_date,
                                                                    cancel_date=clock.today()))
    assert data["cancel_refund"] == {"amount": refund, "amount_display": f"¥{refund // 100}"}
    assert (data["subtotal_display"], data["service_fee_display"], data["amount_display"]) == ("¥600", "¥30", "¥630")
    assert data["host_payout_display"] is None  # the guest never sees the payout


def test_the_preview_and_the_cancel_agree(stay, monkeypatch):
    asked: list[dict] = []
    monkeypatch.setattr(payments, "refund_cancelled_order", lambda **kwargs: asked.append(kwargs) or [])
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(days=2))
    preview = stay.guest_api.get(f"/orders/{order.id}").expect(200).data["cancel_refund"]
    stay.guest_api.put(f"/orders/{order.id}/status", json={"action": "cancel"}).expect(200)
    assert [call["amount"] for call in asked] == [preview["amount"]] == [20000]
    assert stay.guest_api.get(f"/orders/{order.id}").expect(200).data["cancel_refund"] is None  # cancelled now


@pytest.mark.parametrize(("status", "start_in"), [(S.WAIT_ACCEPT, 5), (S.WAIT_PAYMENT, 5), (S.PAID, 0),
                                                  (S.CANCELED, 5), (S.WAIT_COMMENT, -3)])
def test_no_preview_when_a_guest_cancel_refunds_nothing_paid(stay, status, start_in):
    order = make_order(house=stay.house, guest=stay.guest, status=status, start=clock.today() + timedelta(start_in))
    assert stay.guest_api.get(f"/orders/{order.id}").expect(200).data["cancel_refund"] is None


def test_the_host_sees_the_payout_string_and_the_refund_with_its_string(stay):
    order = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(days=9))
    data = stay.host_api.get(f"/orders/{order.id}").expect(200).data
    assert data["host_payout_display"] == "¥388" and data["guest"]["verified"] is False
    assert data["refund"] is None


# ---- GET /user/orders?role=landlord: who booked ------------------------------------------------------------

def test_the_hosts_list_shows_the_guest_masked_until_paid_and_my_bookings_do_not(stay):
    pending = make_order(house=stay.house, guest=stay.guest, guests=2, start=clock.today() + timedelta(days=30))
    paid = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(days=40))
    add_event(order=paid, from_status=S.WAIT_PAYMENT, to_status=S.PAID, actor="system:alipay")
    guest = db.session.get(User, stay.guest.id)
    guest.real_name, guest.id_card = "李四", "11010519491231002X"
    db.session.commit()
    hosted = {o["order_id"]: o for o in stay.host_api.get("/user/orders?role=landlord").expect(200).data["orders"]}
    mobile = stay.guest.mobile
    assert hosted[pending.id]["guests"] == 2
    assert hosted[pending.id]["guest"]["mobile"] == f"{mobile[:3]}****{mobile[-4:]}"
    assert hosted[pending.id]["guest"]["verified"] is True
    assert hosted[paid.id]["guest"]["mobile"] == mobile
    assert all(o["guest"] is None for o in stay.guest_api.get("/user/orders").expect(200).data["orders"])


# ---- pages: the order page, /my/auth?next=, the ID's check digit ------------------------------------------

def test_the_order_page_is_for_the_guest_the_host_and_admins(app, stay, admin_api):
    order_id = make_order(house=stay.house, guest=stay.guest, status=S.PAID).id
    for api in (stay.guest_api, stay.host_api, admin_api):
        response = api.client.get(f"/my/orders/{order_id}")
        assert response.status_code == 200 and f'data-order-id="{order_id}"' in response.get_data(as_text=True)
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["user_id"] = make_user().id
    page = stranger.get(f"/my/orders/{order_id}")
    assert page.status_code == 403 and 'id="order"' not in page.get_data(as_text=True)
    assert stay.guest_api.client.get("/my/orders/99999999").status_code == 404
    assert app.test_client().get(f"/my/orders/{order_id}").status_code == 302  # to the login page


@pytest.mark.parametrize(("next_url", "kept"), [
    ("/my/houses/new", "/my/houses/new"), ("//evil.example/x", ""), ("https://evil.example/", ""), ("", ""),
])
def test_the_real_name_page_keeps_only_a_local_next(stay, next_url, kept):
    html = stay.guest_api.client.get(f"/my/auth?next={next_url}").get_data(as_text=True)
    assert f'data-next="{kept}"' in html


@pytest.mark.parametrize(("id_card", "message"), [
    ("110105194912310022", "身份证号校验位不正确"),
    ("11010519491231002", "身份证号码无效，请输入 18 位身份证号"),
    ("110105194902300022", "身份证号中的出生日期不存在"),
])
def test_a_wrong_id_number_says_what_is_wrong_and_sets_nothing(stay, id_card, message):
    response = stay.guest_api.post("/user/auth", json={"real_name": "张三", "id_card": id_card}).expect(400, "4103")
    assert response.fields["id_card"] == [message]
    db.session.expire_all()
    assert db.session.get(User, stay.guest.id).id_card is None


def test_the_check_digit_message_in_english(stay):
    response = stay.guest_api.post("/user/auth", json={"real_name": "张三", "id_card": "110105194912310022"},
                                   headers={"Accept-Language": "en"}).expect(400, "4103")
    assert response.fields["id_card"] == ["The ID number's check digit is wrong"]
