"""In Chromium: an administrator marks a stay's payout paid from the back office (confirmation dialog),
and the host's earnings page shows it paid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import OrderStatus
from ihome.payments import payouts
from ihome.payments.models import Payout
from tests.e2e.test_orders_flow import console_errors
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


def test_an_administrator_marks_a_payout_paid_and_the_host_sees_it(live, live_app, page: Page):
    admin, host = make_user(admin=True), make_user(verified=True)
    house = make_house(owner=host, price=33333, title="结算测试 山景房")
    order = make_order(house=house, status=OrderStatus.WAIT_COMMENT, start=clock.today() - timedelta(days=3), nights=3)
    assert payouts.create_payout(order_id=order.id)
    db.session.commit()
    payout = db.session.query(Payout).filter_by(order_id=order.id).one()
    payout_id, admin_id, admin_mobile, host_mobile = payout.id, admin.id, admin.mobile, host.mobile
    errors = console_errors(page)

    log_in(page, live.url, admin_mobile)
    page.goto(f"{live.url}/admin/payouts?status=pending")
    expect(page.locator('.admin-nav a[href="/admin/payouts"]')).to_have_attribute("aria-current", "page")
    row = page.locator(f'tr[data-payout-id="{payout_id}"]')
    expect(row).to_have_attribute("data-status", "pending")
    expect(row.locator(".payout-amount")).to_have_text("¥969.99")  # 99999 − 3 % commission (3000): odd fen
    row.locator("button.admin-action").click()
    dialog = page.locator("#admin-confirm")
    expect(dialog).to_be_visible()
    expect(page.locator("#admin-confirm-target")).to_contain_text("结算测试 山景房")
    page.click("#admin-confirm-cancel")  # not yet: nothing happens
    expect(dialog).to_be_hidden()
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).status == "pending"

    row.locator("button.admin-action").click()
    page.fill("#admin-confirm-reason", "银行转账 0042")
    page.click("#admin-confirm-ok")
    expect(page.locator(f'tr[data-payout-id="{payout_id}"]')).to_have_count(0)  # reloaded: no longer pending
    page.goto(f"{live.url}/admin/payouts?status=paid")
    paid_row = page.locator(f'tr[data-payout-id="{payout_id}"]')
    expect(paid_row).to_have_attribute("data-status", "paid")
    expect(paid_row).to_contain_text("银行转账 0042")
    expect(paid_row.locator("button.admin-action")).to_have_count(0)
    db.session.expire_all()
    row_now = db.session.get(Payout, payout_id)
    assert (row_now.status, row_now.paid_by, row_now.note) == ("paid", admin_id, "银行转账 0042")
    assert row_now.paid_at is not None

    log_in(page, live.url, host_mobile)
    page.goto(f"{live.url}/my")
    page.click("#my-earnings")
    expect(page).to_have_url(f"{live.url}/my/earnings")
    expect(page.locator("#earnings-paid")).to_have_text("¥969.99")
    expect(page.locator("#earnings-pending")).to_have_text("¥0")
    item = page.locator(f'.payout[data-payout-id="{payout_id}"]')
    expect(item).to_have_attribute("data-status", "paid")
    expect(item).to_contain_text("已支付")
    expect(item).to_contain_text(f"订单 #{order.id}")
    assert errors == []
