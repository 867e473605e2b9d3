"""GET /houses/<id>/calendar: booked stays only, fresh after every change, bad windows refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ihome.core import clock
from ihome.orders.models import OrderStatus
from tests.factories.houses import make_house
from tests.factories.orders import make_order

S = OrderStatus


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def test_calendar_lists_active_stays_and_nothing_about_who(api, db):
    house = make_house()
    make_order(house=house, start=clock.today() + timedelta(days=3), nights=2, status=S.WAIT_PAYMENT)
    make_order(house=house, start=clock.today() + timedelta(days=8), nights=1, status=S.REJECTED)
    data = api.get(f"/houses/{house.id}/calendar?start={day(0)}&end={day(30)}").expect(200).data
    assert data["booked"] == [{"start_date": day(3), "end_date": day(5)}]
    assert set(data) == {"booked", "blocked", "prices"} and data["blocked"] == []
    assert [p["date"] for p in data["prices"]] == [day(n) for n in range(30)]


def test_calendar_is_public_and_has_defaults(api, db):
    house = make_house()
    make_order(house=house, start=clock.today() + timedelta(days=1), nights=1)
    assert len(api.get(f"/houses/{house.id}/calendar").expect(200).data["booked"]) == 1


def test_calendar_shows_a_new_booking_and_its_cancellation_on_the_next_request(stay):
    path = f"/houses/{stay.house.id}/calendar?start={day(0)}&end={day(60)}"
    assert stay.guest_api.get(path).expect(200).data["booked"] == []
    order_id = stay.book(start_in=2, nights=2).expect(201).data["order_id"]
    assert stay.guest_api.get(path).data["booked"] == [{"start_date": day(2), "end_date": day(4)}]
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "reject", "reason": "no"}).expect(200)
    assert stay.guest_api.get(path).data["booked"] == []


def test_calendar_of_an_unknown_house_is_404(api):
    api.get(f"/houses/999999/calendar?start={day(0)}&end={day(10)}").expect(404, "4002")


@pytest.mark.parametrize("query", [
    f"start={day(5)}&end={day(5)}", f"start={day(5)}&end={day(1)}", f"start={day(0)}&end={day(367)}",
    "start=tomorrow&end=2030-01-01", "start=2030-02-30&end=2030-03-01",
])
def test_bad_windows_are_4103(api, db, query):
    house = make_house()
    api.get(f"/houses/{house.id}/calendar?{query}").expect(400, "4103")


def test_search_and_detail_see_a_booking_and_its_cancellation_on_the_next_request(stay):
    """Booking, cancelling and rejecting bump the house's cache generations (houses.cache.house_changed)."""
    area_id = stay.house.area_id

    def found() -> bool:
        data = stay.guest_api.get(f"/houses?aid={area_id}&sd={day(2)}&ed={day(4)}&p=1").expect(200).data
        pages = [data] + [stay.guest_api.get(f"/houses?aid={area_id}&sd={day(2)}&ed={day(4)}&p={n}").data
                          for n in range(2, data["total_page"] + 1)]
        return any(h["house_id"] == stay.house.id for page in pages for h in page["houses"])

    assert found()  # and now cached
    order_id = stay.book(start_in=3, nights=2).expect(201).data["order_id"]
    assert not found()
    stay.guest_api.put(f"/orders/{order_id}/status", json={"action": "cancel"}).expect(200)
    assert found()
    order_id = stay.book(start_in=1, nights=2).expect(201).data["order_id"]
    assert not found()
    stay.host_api.put(f"/orders/{order_id}/status", json={"action": "reject", "reason": "no"}).expect(200)
    assert found()
