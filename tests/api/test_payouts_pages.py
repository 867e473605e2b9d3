"""The host's /my/earnings page and the back office's /admin/payouts page, rendered on the server."""

from __future__ import annotations

from types import SimpleNamespace

from tests.api.test_orders import client_of
from tests.api.test_payouts import host_payouts  # noqa: F401 - the fixture
from tests.factories.accounts import make_user


def page(api, path: str) -> tuple[int, str]:
    response = api.client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_the_host_reads_earnings_by_month(app, host_payouts):  # noqa: F811
    api = client_of(app, host_payouts["host"])
    status, html = page(api, "/my/earnings")
    assert status == 200
    assert 'id="earnings-pending">¥1551.99<' in html and 'id="earnings-paid">¥0<' in html
    assert 'data-month="2030-12"' in html and 'data-month="2030-11"' in html
    assert html.count('class="payout"') == 3 and "¥969.99" in html
    status, html = page(api, "/my/earnings?month=2030-11")
    assert status == 200 and html.count('class="payout"') == 1
    status, html = page(api, "/my/earnings?month=nonsense")  # a hand-edited address: every month
    assert status == 200 and html.count('class="payout"') == 3
    assert 'href="/my/earnings"' in page(api, "/my")[1]  # a host: the /my page links it


def test_a_guest_who_hosts_nothing_has_no_earnings_link(app):
    with app.app_context():
        guest = SimpleNamespace(id=make_user().id)
    status, html = page(client_of(app, guest), "/my")
    assert status == 200 and 'href="/my/earnings"' not in html


def test_earnings_page_asks_for_a_login(client):
    response = client.get("/my/earnings")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_back_office_lists_payouts_with_a_mark_paid_button(app, admin_api, host_payouts):  # noqa: F811
    status, html = page(admin_api, "/admin/payouts?status=pending")
    assert status == 200
    assert 'href="/admin/payouts"' in html  # in the back office's navigation
    assert html.count('data-status="pending"') == 3
    assert html.count('data-path="/admin/payouts/') == 3
    admin_api.put(f"/admin/payouts/{host_payouts['payouts'][0]}/paid").expect(200)
    status, html = page(admin_api, "/admin/payouts?status=paid")
    assert html.count('data-status="paid"') == 1 and 'data-path="/admin/payouts/' not in html


def test_the_payouts_page_is_for_administrators_only(app, host_payouts):  # noqa: F811
    status, _html = page(client_of(app, host_payouts["host"]), "/admin/payouts")
    assert status in (403, 404)
