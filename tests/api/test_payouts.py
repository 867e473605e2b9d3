"""The host's earnings and the back office's payouts: exact figures, mark paid (who and when, audited),
409 on a second mark and 403 for anyone else, both with nothing changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ihome.admin.audit_models import AuditEntry
from ihome.core import clock
from ihome.extensions import db
from ihome.orders.models import OrderStatus
from ihome.payments.models import Payout
from tests.api.test_orders import client_of
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.payments_fixtures import run_task

S = OrderStatus
MARKED_AT = datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.fixture
def host_payouts(app):
    """A host with three stays paid out in two months (due 2030-11-30, 2030-12-01, 2030-12-21) and a
    cancelled one; the job has run. host_payout: 96999, 19400 and 38800 fen."""
    with app.app_context():
        host = make_user(verified=True)
        odd, plain = make_house(owner=host, price=33333), make_house(owner=host, price=10000)
        orders = [make_order(house=odd, status=S.COMPLETE, start=date(2030, 11, 29), nights=3),
                  make_order(house=plain, status=S.WAIT_COMMENT, start=date(2030, 11, 30), nights=2),
                  make_order(house=plain, status=S.PAID, start=date(2030, 12, 20), nights=4)]
        make_order(house=plain, status=S.CANCELED, start=date(2030, 12, 10), nights=2)
        assert [o.host_payout for o in orders] == [96999, 19400, 38800]
        with clock.frozen(datetime(2030, 12, 25, tzinfo=UTC)):
            assert run_task(app, "ihome.payments.create_payouts") == 3
        ids = [db.session.scalar(select(Payout.id).where(Payout.order_id == o.id)) for o in orders]
        return {"host": SimpleNamespace(id=host.id), "orders": [o.id for o in orders], "payouts": ids}


def test_the_host_sees_earnings_by_month_with_exact_figures(app, host_payouts):
    api = client_of(app, host_payouts["host"])
    data = api.get("/user/earnings").expect(200).data
    assert data["months"] == [
        {"month": "2030-12", "pending": 19400 + 38800, "paid": 0, "count": 2,
         "pending_display": "¥582", "paid_display": "¥0"},
        {"month": "2030-11", "pending": 96999, "paid": 0, "count": 1,
         "pending_display": "¥969.99", "paid_display": "¥0"},
    ]
    assert (data["pending"], data["paid"], data["pending_display"]) == (155199, 0, "¥1551.99")
    assert [p["order_id"] for p in data["payouts"]] == [host_payouts["orders"][i] for i in (2, 1, 0)]
    first = data["payouts"][-1]
    assert (first["amount"], first["amount_display"], first["status"]) == (96999, "¥969.99", "pending")
    assert (first["start_date"], first["end_date"], first["due_date"]) == ("2030-11-29", "2030-12-02", "2030-11-30")
    november = api.get("/user/earnings?month=2030-11").expect(200).data
    assert [p["payout_id"] for p in november["payouts"]] == [host_payouts["payouts"][0]]
    assert november["months"] == data["months"]  # the summary always covers every month


@pytest.mark.parametrize("month", ["2030-13", "2030-1", "abc", "2030-11-01"])
def test_a_month_that_is_not_yyyy_mm_is_refused(app, host_payouts, month):
    response = client_of(app, host_payouts["host"]).get(f"/user/earnings?month={month}").expect(400, "4103")
    assert "month" in response.fields


def test_earnings_need_a_login_and_show_only_ones_own(app, client, host_payouts):
    assert client.get("/api/v1.0/user/earnings").get_json()["errno"] == "4101"
    with app.app_context():
        other = SimpleNamespace(id=make_user().id)
    data = client_of(app, other).get("/user/earnings").expect(200).data
    assert data["months"] == [] and data["payouts"] == [] and data["pending"] == 0


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "payout.paid")) or 0


def test_an_administrator_marks_a_payout_paid_once(app, admin, admin_api, host_payouts):
    payout_id = host_payouts["payouts"][0]
    listed = admin_api.get("/admin/payouts?status=pending").expect(200).data
    assert payout_id in [p["payout_id"] for p in listed["payouts"]]
    with clock.frozen(MARKED_AT):
        done = admin_api.put(f"/admin/payouts/{payout_id}/paid", json={"reason": "转账 #A-17"}).expect(200).data
    assert (done["status"], done["paid_by"], done["note"]) == ("paid", admin.id, "转账 #A-17")
    assert done["paid_at"] == "2031-02-03T04:05:06+00:00"
    with app.app_context():
        row = db.session.get(Payout, payout_id)
        assert (row.status, row.paid_by, row.paid_at, row.note) == ("paid", admin.id, MARKED_AT, "转账 #A-17")
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payout.paid")).one()
        assert (entry.admin_id, entry.target_type, entry.target_id, entry.reason) == (
            admin.id, "payout", payout_id, "转账 #A-17")
    # the second mark: 409, and nothing changes (not the time, not the note, no second audit entry)
    later = MARKED_AT + timedelta(days=1)
    with clock.frozen(later):
        admin_api.put(f"/admin/payouts/{payout_id}/paid", json={"reason": "again"}).expect(409, "4004")
    with app.app_context():
        row = db.session.get(Payout, payout_id)
        assert (row.paid_at, row.note) == (MARKED_AT, "转账 #A-17") and audit_count() == 1
    paid = admin_api.get("/admin/payouts?status=paid").expect(200).data["payouts"]
    assert [p["payout_id"] for p in paid] == [payout_id]
    host = client_of(app, host_payouts["host"]).get("/user/earnings").expect(200).data
    assert host["months"][-1] == {"month": "2030-11", "pending": 0, "paid": 96999, "count": 1,
                                  "pending_display": "¥0", "paid_display": "¥969.99"}


def test_no_body_is_needed_to_mark_paid(app, admin_api, host_payouts):
    done = admin_api.put(f"/admin/payouts/{host_payouts['payouts'][1]}/paid").expect(200).data
    assert done["status"] == "paid" and done["note"] is None


def test_anyone_but_an_administrator_is_refused_and_nothing_changes(app, host_payouts):
    payout_id = host_payouts["payouts"][0]
    for user in (host_payouts["host"], None):
        api = client_of(app, user) if user is not None else None
        if api is None:
            assert app.test_client().put(f"/api/v1.0/admin/payouts/{payout_id}/paid").status_code in (400, 401)
            continue
        api.put(f"/admin/payouts/{payout_id}/paid", json={}).expect(403, "4105")
        api.get("/admin/payouts").expect(403, "4105")
    with app.app_context():
        row = db.session.get(Payout, payout_id)
        assert (row.status, row.paid_at, row.paid_by) == ("pending", None, None) and audit_count() == 0


def test_an_unknown_payout_is_404(admin_api):
    admin_api.put("/admin/payouts/999999/paid").expect(404, "4002")
