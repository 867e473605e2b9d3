"""Reviews both ways at the API: the host's review of the guest (window, once, who), double-blind
publication (guest review hidden and uncounted until both exist or the window closes), the
window-close job, the host's reply, administrator hiding, and the house detail's comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ihome.core import clock
from ihome.houses.models import House
from ihome.orders.models import Order, OrderStatus
from ihome.reviews import tasks
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.api_client import ApiClient

S = OrderStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: date, hour: int = 12):
    """The clock frozen at ``hour`` o'clock in Shanghai on ``day``."""
    return clock.frozen(datetime.combine(day, time(hour), tzinfo=SHANGHAI))


@dataclass(frozen=True)
class Finished:
    id: int
    end_date: date


def finished(stay, *, days_ago: int = 1) -> Finished:
    """A stay of ``stay.guest`` that checked out ``days_ago`` days ago, awaiting the guest's review."""
    start = clock.today() - timedelta(days=days_ago + 2)
    order = make_order(house=stay.house, guest=stay.guest, start=start, nights=2, status=S.WAIT_COMMENT)
    return Finished(order.id, order.end_date)


def row(db, order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def counters(db, house_id: int) -> tuple[int, int]:
    db.session.expire_all()
    house = db.session.get(House, house_id)
    return house.rating_sum, house.rating_count


def review_columns(order: Order) -> tuple:
    return (order.host_rating, order.host_comment, order.host_review_time, order.reply, order.reviews_public_at)


def detail(api: ApiClient, house_id: int) -> dict:
    return api.get(f"/houses/{house_id}").expect(200).data["house"]


def publish(app, now: datetime | None = None) -> int:
    """The beat job's work, in an app context of its own (as the Celery task runs)."""
    with app.app_context():
        return tasks.publish_closed_windows(now=now)


GOOD = {"rating": 4, "comment": "Tidy and friendly"}


# ---- PUT /orders/{id}/guest_review: the window ------------------------------------------------------------

@pytest.mark.parametrize("day, status, errno", [(0, 200, "0"), (14, 200, "0"), (15, 409, "4004")])
def test_the_host_reviews_the_guest_from_check_out_to_day_14(stay, db, day, status, errno):
    order = finished(stay, days_ago=1)
    with on(order.end_date + timedelta(days=day)):
        stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(status, errno)
    stored = row(db, order.id)
    if status == 200:
        assert (stored.host_rating, stored.host_comment) == (4, "Tidy and friendly")
        assert stored.host_review_time is not None and stored.reviews_public_at is None  # the guest has not written
    else:
        assert review_columns(stored) == (None, None, None, None, None)


def test_the_guest_cannot_be_reviewed_before_check_out(stay, db):
    order = make_order(house=stay.house, guest=stay.guest, start=clock.today() - timedelta(days=1), nights=3,
                       status=S.PAID)
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(409, "4004")
    for status in (S.WAIT_ACCEPT, S.CANCELED, S.REJECTED):  # checked out two days ago, but never stayed
        other = make_order(house=make_house(owner=stay.host), guest=stay.guest,
                           start=clock.today() - timedelta(days=4), nights=2, status=status)
        stay.host_api.put(f"/orders/{other.id}/guest_review", json=GOOD).expect(409, "4004")
        assert row(db, other.id).host_rating is None
    assert review_columns(row(db, order.id)) == (None, None, None, None, None)


def test_the_host_reviews_a_guest_once(stay, db):
    order = finished(stay)
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)
    before = review_columns(row(db, order.id))
    stay.host_api.put(f"/orders/{order.id}/guest_review", json={"rating": 1, "comment": "changed my mind"}
                      ).expect(409, "4004")
    assert review_columns(row(db, order.id)) == before


def test_only_the_host_reviews_the_guest(stay, app, db):
    order = finished(stay)
    stranger = ApiClient(app.test_client())
    with stranger.client.session_transaction() as session:
        session["user_id"] = make_user().id
    stay.guest_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(403, "4105")
    stranger.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(403, "4105")
    stay.host_api.put("/orders/999999/guest_review", json=GOOD).expect(404, "4002")
    ApiClient(app.test_client()).put(f"/orders/{order.id}/guest_review", json=GOOD).expect(401, "4101")
    assert review_columns(row(db, order.id)) == (None, None, None, None, None)


@pytest.mark.parametrize("body", [{"rating": 0, "comment": "x"}, {"rating": 6, "comment": "x"},
                                  {"rating": 3, "comment": ""}, {"rating": 3, "comment": "   "},
                                  {"rating": 3, "comment": "x" * 501}, {"rating": 3}, {"comment": "x"}])
def test_bad_guest_reviews_are_4103(stay, db, body):
    order = finished(stay)
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=body).expect(400, "4103")
    assert review_columns(row(db, order.id)) == (None, None, None, None, None)


# ---- double-blind -----------------------------------------------------------------------------------------

def test_reviews_stay_blind_until_both_exist_then_count_once(app, stay, api, db):
    order = finished(stay)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Lovely courtyard", "rating": 5}).expect(200)

    # the guest's review: not on the house page, not in its rating, not shown to the host; the guest sees it
    assert detail(api, stay.house.id)["comments"] == [] and counters(db, stay.house.id) == (0, 0)
    [hosts_view] = stay.host_api.get("/user/orders?role=landlord").expect(200).data["orders"]
    assert (hosts_view["comment"], hosts_view["rating"], hosts_view["reviews_public"]) == (None, None, False)
    assert hosts_view["can_review_guest"] is True and hosts_view["can_reply"] is False
    [guests_view] = stay.guest_api.get("/user/orders").expect(200).data["orders"]
    assert (guests_view["comment"], guests_view["rating"]) == ("Lovely courtyard", 5)
    assert stay.host_api.get(f"/orders/{order.id}").expect(200).data["comment"] is None

    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)
    # both written: public together, the stars counted once
    comments = detail(api, stay.house.id)["comments"]
    assert [(c["comment"], c["rating"], c["reply"]) for c in comments] == [("Lovely courtyard", 5, None)]
    assert counters(db, stay.house.id) == (5, 1) and detail(api, stay.house.id)["avg_rating"] == 5.0
    profile = api.get(f"/users/{stay.guest.id}").expect(200).data
    assert [(r["rating"], r["comment"]) for r in profile["reviews_as_guest"]] == [(4, "Tidy and friendly")]
    [guests_view] = stay.guest_api.get("/user/orders").expect(200).data["orders"]
    assert guests_view["host_review"]["comment"] == "Tidy and friendly"
    assert row(db, order.id).reviews_public_at is not None

    assert publish(app, now=clock.now() + timedelta(days=30)) == 0  # nothing left blind
    assert counters(db, stay.house.id) == (5, 1)


def test_the_hosts_review_stays_blind_until_the_guest_writes(stay, api, db):
    order = finished(stay)
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)
    assert api.get(f"/users/{stay.guest.id}").expect(200).data["reviews_as_guest"] == []
    [guests_view] = stay.guest_api.get("/user/orders").expect(200).data["orders"]
    assert guests_view["host_review"] is None
    [hosts_view] = stay.host_api.get("/user/orders?role=landlord").expect(200).data["orders"]
    assert hosts_view["host_review"]["rating"] == 4 and hosts_view["can_review_guest"] is False  # the host's own

    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Fine", "rating": 3}).expect(200)
    assert len(api.get(f"/users/{stay.guest.id}").data["reviews_as_guest"]) == 1
    assert counters(db, stay.house.id) == (3, 1)


def test_the_window_close_job_publishes_once(app, stay, api, db):
    order = finished(stay, days_ago=1)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Quiet street", "rating": 4}).expect(200)
    last_day = order.end_date + timedelta(days=14)

    with on(last_day, 23):  # day 14, late: still open
        assert publish(app) == 0
    assert row(db, order.id).reviews_public_at is None and counters(db, stay.house.id) == (0, 0)

    with on(last_day + timedelta(days=1), 0):  # day 15 from midnight in Shanghai: closed
        assert publish(app) == 1
        published = row(db, order.id).reviews_public_at
        assert published is not None
        assert counters(db, stay.house.id) == (4, 1)
        assert [c["comment"] for c in detail(api, stay.house.id)["comments"]] == ["Quiet street"]
        assert publish(app) == 0  # twice: nothing changes
        assert counters(db, stay.house.id) == (4, 1) and row(db, order.id).reviews_public_at == published
        # the window is over: the host can no longer review the guest
        stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(409, "4004")


def test_a_guest_review_after_the_window_is_public_and_counted_at_once(app, stay, api, db):
    order = finished(stay, days_ago=20)
    assert publish(app) == 1  # a closed window with no review yet
    assert counters(db, stay.house.id) == (0, 0)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Late but true", "rating": 2}).expect(200)
    assert counters(db, stay.house.id) == (2, 1)
    assert [c["comment"] for c in detail(api, stay.house.id)["comments"]] == ["Late but true"]
    assert publish(app) == 0 and counters(db, stay.house.id) == (2, 1)


def test_the_beat_schedule_runs_the_job(app):
    from ihome.core.tasks import BEAT_SCHEDULE

    assert BEAT_SCHEDULE[tasks.PUBLISH] == "EXPIRY_INTERVAL_SECONDS"
    assert tasks.PUBLISH in app.extensions["celery"].tasks


# ---- administrators hide and show, the counts follow --------------------------------------------------------

def test_hiding_follows_publication(stay, api, admin_api, db):
    order = finished(stay)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Rude words", "rating": 1}).expect(200)
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": False, "reason": "abuse"}).expect(200)
    assert counters(db, stay.house.id) == (0, 0)  # hidden while blind: nothing to take back
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)
    assert counters(db, stay.house.id) == (0, 0) and detail(api, stay.house.id)["comments"] == []
    assert api.get(f"/users/{stay.guest.id}").data["reviews_as_guest"] == []  # both reviews hidden
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "Sorry"}).expect(409, "4004")
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": True, "reason": "appeal"}).expect(200)
    assert counters(db, stay.house.id) == (1, 1) and len(detail(api, stay.house.id)["comments"]) == 1
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": True, "reason": "again"}).expect(200)
    assert counters(db, stay.house.id) == (1, 1)
    admin_api.put(f"/admin/orders/{order.id}/reviews", json={"visible": False, "reason": "abuse"}).expect(200)
    assert counters(db, stay.house.id) == (0, 0)


# ---- PUT /orders/{id}/comment/reply -------------------------------------------------------------------------

def test_the_host_replies_once_to_a_public_review(stay, api, app, db):
    order = finished(stay)
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "Thanks"}).expect(409, "4004")  # none yet
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Great", "rating": 5}).expect(200)
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "Thanks"}).expect(409, "4004")  # blind
    assert row(db, order.id).reply is None
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)

    stay.guest_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "me"}).expect(403, "4105")
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": " "}).expect(400, "4103")
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "x" * 501}).expect(400, "4103")
    assert row(db, order.id).reply is None
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": " Thank you, come again "}).expect(200)
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "Edited"}).expect(409, "4004")
    stored = row(db, order.id)
    assert (stored.reply, stored.reply_time is not None) == ("Thank you, come again", True)
    [comment] = detail(api, stay.house.id)["comments"]
    assert comment["reply"] == "Thank you, come again"
    [hosts_view] = stay.host_api.get("/user/orders?role=landlord").data["orders"]
    assert (hosts_view["reply"], hosts_view["can_reply"]) == ("Thank you, come again", False)


def test_the_guests_booking_list_shows_the_hosts_review_once_public(stay):
    order = finished(stay)
    stay.guest_api.put(f"/orders/{order.id}/comment", json={"comment": "Nice", "rating": 4}).expect(200)
    page = stay.guest_api.client.get("/my/orders").get_data(as_text=True)
    assert "guest-review-blind" in page and "host-review-of-me" not in page
    stay.host_api.put(f"/orders/{order.id}/guest_review", json=GOOD).expect(200)
    stay.host_api.put(f"/orders/{order.id}/comment/reply", json={"reply": "Come back"}).expect(200)
    page = stay.guest_api.client.get("/my/orders").get_data(as_text=True)
    assert "guest-review-blind" not in page and "Tidy and friendly" in page and "Come back" in page
