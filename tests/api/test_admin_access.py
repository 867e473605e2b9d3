"""Nothing under /api/v1.0/admin or /admin answers anyone but an administrator, and refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ihome.accounts.models import User
from ihome.admin.audit_models import AuditEntry
from ihome.extensions import db
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.payments.models import Payment, Refund, RefundStatus
from tests.conftest import login
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient


@pytest.fixture
def world(app):
    """A house, a paid order with a failed refund, and its guest: every action has a target."""
    host = make_user(verified=True)
    house = make_house(owner=host)
    guest = make_user()
    order = make_order(house=house, guest=guest, status=OrderStatus.PAID)
    payment = Payment(order_id=order.id, out_trade_no=f"ih{order.id}-x", amount=order.amount, status="SUCCEEDED")
    db.session.add(payment)
    db.session.flush()
    refund = Refund(payment_id=payment.id, out_request_no=f"ih{order.id}-x-refund", amount=order.amount,
                    status=RefundStatus.FAILED.value, attempts=20, last_error="boom")
    db.session.add(refund)
    db.session.commit()
    return {"host": host.id, "house": house.id, "guest": guest.id, "order": order.id, "refund": refund.id}


def endpoints(w: dict) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", "/admin/houses", None), ("GET", "/admin/users", None), ("GET", "/admin/orders", None),
        ("GET", "/admin/refunds", None), ("GET", "/admin/audit", None),
        ("PUT", f"/admin/houses/{w['house']}/listing", {"listed": False, "reason": "spam"}),
        ("PUT", f"/admin/users/{w['guest']}/status", {"active": False, "reason": "fraud"}),
        ("PUT", f"/admin/orders/{w['order']}/cancel", {"reason": "fraud"}),
        ("PUT", f"/admin/orders/{w['order']}/reviews", {"visible": False, "reason": "abuse"}),
        ("POST", f"/admin/refunds/{w['refund']}/retry", {"reason": "try again"}),
    ]


def snapshot(w: dict) -> tuple:
    db.session.expire_all()
    house = db.session.get(House, w["house"])
    return (house.listed, db.session.get(User, w["guest"]).is_active, db.session.get(Order, w["order"]).status,
            db.session.get(Order, w["order"]).review_hidden, db.session.get(Refund, w["refund"]).status,
            db.session.scalar(select(func.count(AuditEntry.id))), db.session.scalar(select(func.count(Refund.id))))


@pytest.mark.parametrize("who", ["anonymous", "guest", "host"])
def test_every_admin_endpoint_refuses_non_admins_and_changes_nothing(app, world, who):
    client = app.test_client()
    if who != "anonymous":
        login(client, world[who])
    api = ApiClient(client)
    before = snapshot(world)
    for method, path, body in endpoints(world):
        response = api.request(method, path, json=body) if body is not None else api.request(method, path)
        expected = (401, "4101") if who == "anonymous" else (403, "4105")
        assert (response.status, response.errno) == expected, (method, path, response)
        assert response.data is None
    assert snapshot(world) == before


@pytest.mark.parametrize("path", ["/admin", "/admin/houses", "/admin/users", "/admin/orders", "/admin/refunds",
                                  "/admin/audit"])
def test_admin_pages_send_anonymous_visitors_to_login_and_refuse_others(app, world, path):
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")
    for who in ("guest", "host"):
        client = app.test_client()
        login(client, world[who])
        response = client.get(path)
        assert response.status_code == 403
        assert b"admin-shell" not in response.data


def test_admin_pages_open_for_an_administrator(app, admin, world):
    client = app.test_client()
    login(client, admin.id)
    for path in ("/admin", "/admin/houses", "/admin/users", "/admin/orders", "/admin/refunds", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"admin-shell" in response.data
        assert b"vendor/echarts/echarts.min.js" in response.data or path != "/admin"


def test_unknown_admin_api_paths_are_enveloped_404(admin_api):
    admin_api.get("/admin/nothing-here").expect(404, "4002")


def test_the_my_page_links_the_back_office_for_administrators_only(app, admin, world):
    client = app.test_client()
    login(client, admin.id)
    assert b'href="/admin"' in client.get("/my").data
    login(client, world["guest"])
    assert b'href="/admin"' not in client.get("/my").data


def test_echarts_loads_only_on_admin_pages(app, admin):
    client = app.test_client()
    login(client, admin.id)
    for path in ("/", "/my", "/search"):
        assert b"echarts" not in client.get(path).data, path


def test_admin_pages_speak_chinese_first_and_english_on_request(app, admin):
    client = app.test_client()
    login(client, admin.id)
    chinese = client.get("/admin/houses").get_data(as_text=True)
    assert "房源" in chinese and "操作日志" in chinese
    english = client.get("/admin/houses?lang=en").get_data(as_text=True)
    assert "Audit log" in english and "操作日志" not in english


def test_actions_without_the_csrf_header_are_refused_and_change_nothing(app, admin, world):
    client = app.test_client()
    login(client, admin.id)
    api = ApiClient(client, csrf=False)
    before = snapshot(world)
    for method, path, body in endpoints(world):
        if method != "GET":
            api.request(method, path, json=body).expect(400, "4004")
    assert snapshot(world) == before
