"""The reviews service: the guest's review (moved from orders), publication exactly once, hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.reviews import service
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


@pytest.fixture
def parties(app_ctx, db):
    """(host, guest, house) with nothing booked yet."""
    host, guest = make_user(verified=True), make_user()
    return host, guest, make_house(owner=host, title="Hutong Loft")


def counters(db, house_id: int) -> tuple[int, int, int]:
    db.session.expire_all()
    house = db.session.get(House, house_id)
    return house.order_count, house.rating_sum, house.rating_count


def test_reviews_complete_and_count_once_public(parties, db):
    host, guest, house = parties
    ago = clock.today() - timedelta(days=6)
    first = make_order(house=house, guest=guest, status=S.WAIT_COMMENT, start=ago)
    second = make_order(house=house, guest=guest, status=S.WAIT_COMMENT, start=ago - timedelta(days=30))  # closed
    service.review_house(user_id=guest.id, order_id=first.id, comment=" Lovely ", rating=5)
    result = service.review_house(user_id=guest.id, order_id=second.id, comment="Fine", rating=2)
    db.session.commit()
    assert (result.status, result.comment, result.rating) == (S.COMPLETE, "Fine", 2)
    assert db.session.get(Order, first.id).comment == "Lovely"
    assert counters(db, house.id) == (2, 2, 1)  # the closed window's review counts at once; the other is blind
    service.review_guest(user_id=host.id, order_id=first.id, rating=5, comment="Neat")
    db.session.commit()
    assert counters(db, house.id) == (2, 7, 2)
    assert service.publish(order_id=first.id) is False and counters(db, house.id) == (2, 7, 2)


@pytest.mark.parametrize("status", [S.WAIT_ACCEPT, S.WAIT_PAYMENT, S.PAID, S.COMPLETE, S.CANCELED, S.REJECTED])
def test_review_outside_wait_comment_conflicts(parties, db, status):
    host, guest, house = parties
    order = make_order(house=house, guest=guest, status=status)
    with pytest.raises(Conflict):
        service.review_house(user_id=guest.id, order_id=order.id, comment="x", rating=4)
    assert counters(db, house.id) == (0, 0, 0)


def test_only_the_guest_reviews_and_needs_words(parties, db):
    host, guest, house = parties
    order = make_order(house=house, guest=guest, status=S.WAIT_COMMENT)
    with pytest.raises(Forbidden):
        service.review_house(user_id=host.id, order_id=order.id, comment="x", rating=4)
    with pytest.raises(Invalid):
        service.review_house(user_id=guest.id, order_id=order.id, comment="   ", rating=4)
    with pytest.raises(NotFound):
        service.review_house(user_id=guest.id, order_id=999999, comment="x", rating=5)
    assert db.session.get(Order, order.id).status == S.WAIT_COMMENT


def test_publishing_counts_a_hidden_review_never(parties, db):
    host, guest, house = parties
    order = make_order(house=house, guest=guest, status=S.WAIT_COMMENT, start=clock.today() - timedelta(days=5))
    service.review_house(user_id=guest.id, order_id=order.id, comment="Bad words", rating=1)
    assert service.set_hidden(order_id=order.id, hidden=True) is True
    assert service.set_hidden(order_id=order.id, hidden=True) is False
    assert service.publish(order_id=order.id) is True
    assert counters(db, house.id) == (1, 0, 0)
    assert service.set_hidden(order_id=order.id, hidden=False) is True
    assert counters(db, house.id) == (1, 1, 1)
