"""The orders pages as the server renders them: login redirects, labels, the hooks the scripts use."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


@pytest.mark.parametrize("path", ["/houses/1/book", "/my/orders", "/my/lorders"])
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login?next=" + path)


def test_book_page_carries_the_house_rules_for_the_picker(stay):
    page = stay.guest_api.client.get(f"/houses/{stay.house.id}/book").get_data(as_text=True)
    assert 'id="book-form"' in page and 'id="picker-grid"' in page
    assert f'data-house-id="{stay.house.id}"' in page and 'data-price="20000"' in page
    assert 'data-min-days="1"' in page and f'data-today="{clock.today().isoformat()}"' in page
    assert "¥200 / 晚" in page and "¥200.00" not in page and "立即预订" in page
    assert "js/orders/book.js" in page
    assert "房费小计" in page and "另收 5% 服务费" in page  # the fee is the server's, never computed in JS


def test_book_page_in_english(stay):
    page = stay.guest_api.client.get(f"/houses/{stay.house.id}/book?lang=en").get_data(as_text=True)
    assert "¥200 / night" in page and "Book now" in page
    assert "A 5% service fee is added" in page


def test_book_page_of_your_own_house_says_so(stay):
    page = stay.host_api.client.get(f"/houses/{stay.house.id}/book").get_data(as_text=True)
    assert 'id="own-house"' in page and 'id="book-form"' not in page


def test_book_page_of_an_unknown_house_is_404(stay):
    assert stay.guest_api.client.get("/houses/999999/book").status_code == 404


def test_my_orders_shows_labels_and_the_actions_of_each_state(stay):
    start = clock.today() + timedelta(days=3)
    waiting = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_PAYMENT, start=start)
    review = make_order(house=stay.house, guest=stay.guest, status=S.WAIT_COMMENT, start=start + timedelta(days=5))
    done = make_order(house=stay.house, guest=stay.guest, status=S.COMPLETE, start=start + timedelta(days=10),
                      comment="Nice", rating=4)
    ids = (waiting.id, review.id, done.id)
    page = stay.guest_api.client.get("/my/orders").get_data(as_text=True)
    assert f'data-order-id="{ids[0]}" data-status="WAIT_PAYMENT"' in page
    assert "待支付" in page and "待评价" in page and "已完成" in page
    section = lambda order_id: page.split(f'id="order-{order_id}"')[1].split("</article>")[0]  # noqa: E731
    assert "order-pay" in section(ids[0]) and "order-cancel" in section(ids[0])
    assert "order-comment-form" in section(ids[1]) and 'class="star"' in section(ids[1])
    assert "order-cancel" not in section(ids[1]) and "★★★★☆" in section(ids[2])
    assert "Nice" in section(ids[2])


def test_my_orders_empty(stay):
    assert 'id="no-orders"' in stay.guest_api.client.get("/my/orders").get_data(as_text=True)


def test_landlord_page_offers_accept_and_reject_for_new_bookings_only(stay):
    new = make_order(house=stay.house, guest=stay.guest)
    paid = make_order(house=stay.house, guest=stay.guest, status=S.PAID, start=clock.today() + timedelta(days=9))
    ids = (new.id, paid.id)
    page = stay.host_api.client.get("/my/lorders?lang=en").get_data(as_text=True)
    first = page.split(f'id="order-{ids[0]}"')[1].split("</article>")[0]
    second = page.split(f'id="order-{ids[1]}"')[1].split("</article>")[0]
    assert "order-accept" in first and "order-reject-form" in first and "Awaiting the host" in first
    assert "order-accept" not in second and "Paid" in second


def test_pages_have_no_inline_script_or_style(stay):
    make_order(house=make_house(owner=stay.host), guest=stay.guest, status=S.WAIT_COMMENT)
    for path in (f"/houses/{stay.house.id}/book", "/my/orders", "/my/lorders"):
        page = stay.guest_api.client.get(path).get_data(as_text=True)
        assert "style=" not in page
        assert "<script>" not in page
