"""Booking rules of the service: server-side amount, dates, min/max nights, roles, overlap, lock, notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ihome.core import clock
from ihome.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from ihome.extensions import db as database
from ihome.houses.calendar_models import HouseBlock
from ihome.houses.models import House
from ihome.orders import booking
from ihome.orders.models import Order, OrderEvent, OrderStatus
from tests.factories.accounts import make_user
from tests.factories.houses import make_house
from tests.factories.orders import make_order
from tests.support.sql import statements_of

S = OrderStatus


def day(n: int):
    return clock.today() + timedelta(days=n)


def book(house, guest, start: int, end: int) -> Order:
    """The booking, and the order row it inserted."""
    booked = booking.create_order(user_id=guest.id, house_id=house.id, start_date=day(start), end_date=day(end))
    order = database.session.get(Order, booked.id)
    assert (order.days, order.subtotal, order.service_fee, order.amount) == (
        booked.days, booked.subtotal, booked.service_fee, booked.amount)
    return order


def test_booking_computes_nights_price_and_amount_and_logs_creation(app_ctx, texts, db):
    house, guest = make_house(price=12345), make_user()
    order = book(house, guest, 1, 4)
    db.session.commit()
    stored = db.session.get(Order, order.id)
    # subtotal 37,035; 5 % fee 1,851.75 rounds half up to 1,852; 3 % commission 1,111.05 to 1,111
    assert (stored.days, stored.house_price, stored.status) == (3, 12345, S.WAIT_ACCEPT)
    assert (stored.subtotal, stored.service_fee, stored.amount) == (37035, 1852, 38887)
    assert (stored.commission, stored.host_payout, stored.guests) == (1111, 35924, 1)
    assert (stored.start_date, stored.end_date, stored.user_id) == (day(1), day(4), guest.id)
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).one()
    assert (event.from_status, event.to_status, event.actor) == (None, S.WAIT_ACCEPT, f"user:{guest.id}")


def test_booking_today_is_allowed(app_ctx, texts, db):
    order = book(make_house(), make_user(), 0, 1)
    assert order.start_date == clock.today()


def test_booking_takes_the_calendar_lock_and_leaves_the_listing_unedited(app_ctx, texts, db):
    """SQLite: the lock is a write of ``booking_version``; PostgreSQL: a row lock as the house is read (no
    write). Either way the house's ``update_time`` stays: a booking is not an edit of the listing."""
    house = make_house()
    db.session.commit()
    edited = house.update_time
    statements = _normalized(lambda: book(house, make_user(), 1, 2))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(House, house.id)
    assert stored.update_time == edited
    if db.engine.dialect.name == "postgresql":
        assert stored.booking_version == 0
        [house_read] = [sql for sql in statements if sql.startswith("select ih_house.id") and "guest_lock" in sql]
        assert house_read.endswith("for no key update of ih_house")
    else:
        assert stored.booking_version == 1


def test_booking_texts_the_host_after_commit(app_ctx, texts, db):
    host = make_user(verified=True)
    house = make_house(owner=host, title="Sea View")
    book(house, make_user(), 1, 3)
    assert texts == []  # nothing before the commit
    db.session.commit()
    [message] = texts
    assert message[0] == host.mobile
    assert "Sea View" in message[1] and day(1).isoformat() in message[1]
    assert message[1].startswith("【爱家租房】") and "有新预订" in message[1]  # the marketplace's language
    assert "新预订" in message[1]  # texts go out in the marketplace's language


def test_refused_booking_texts_nobody(app_ctx, texts, db):
    house = make_house()
    make_order(house=house, start=day(1), nights=2)
    with pytest.raises(Conflict):
        book(house, make_user(), 1, 2)
    db.session.rollback()
    assert texts == []


def test_unknown_house_is_not_found(app_ctx, texts, db):
    with pytest.raises(NotFound):
        booking.create_order(user_id=make_user().id, house_id=999999, start_date=day(1), end_date=day(2))


@pytest.mark.parametrize("hidden", ["unpublished", "unlisted", "host suspended"])
def test_a_house_hidden_from_the_public_is_not_found_and_nothing_is_written(app_ctx, texts, db, hidden):
    """The visibility rule comes with the house's row (``publicly_visible``, evaluated by the database)."""
    host = make_user(verified=True)
    house = make_house(owner=host, published=hidden != "unpublished", listed=hidden != "unlisted")
    if hidden == "host suspended":
        host.is_active = False
    db.session.commit()
    with pytest.raises(NotFound):
        book(house, make_user(), 1, 2)
    db.session.rollback()
    assert _house_state(db, house.id) == (0, 0, 0)
    assert texts == []


def test_own_house_is_forbidden(app_ctx, texts, db):
    host = make_user(verified=True)
    with pytest.raises(Forbidden):
        book(make_house(owner=host), host, 1, 2)


@pytest.mark.parametrize(("start", "end", "field"), [
    (-1, 2, "start_date"),  # check-in in the past
    (2, 2, "end_date"),  # no night
    (3, 2, "end_date"),  # check-out before check-in
])
def test_bad_dates_are_invalid_with_a_field_message(app_ctx, texts, db, start, end, field):
    with pytest.raises(Invalid) as error:
        book(make_house(), make_user(), start, end)
    assert list(error.value.fields) == [field]


@pytest.mark.parametrize(("min_days", "max_days", "nights", "ok"), [
    (2, 0, 1, False), (2, 0, 2, True), (2, 0, 90, True),  # 0 = no upper limit
    (1, 3, 3, True), (1, 3, 4, False),
])
def test_nights_must_be_within_min_and_max(app_ctx, texts, db, min_days, max_days, nights, ok):
    house = make_house(min_days=min_days, max_days=max_days)
    if ok:
        assert book(house, make_user(), 1, 1 + nights).days == nights
    else:
        with pytest.raises(Invalid) as error:
            book(house, make_user(), 1, 1 + nights)
        assert "end_date" in error.value.fields


@pytest.mark.parametrize("status", [S.WAIT_ACCEPT, S.WAIT_PAYMENT, S.PAID, S.WAIT_COMMENT, S.COMPLETE])
@pytest.mark.parametrize(("start", "end"), [(3, 5), (1, 4), (4, 8), (2, 7), (4, 5)])
def test_overlap_with_an_active_order_conflicts(app_ctx, texts, db, status, start, end):
    house = make_house()
    make_order(house=house, start=day(3), nights=3, status=status)  # nights 3, 4, 5
    with pytest.raises(Conflict):
        book(house, make_user(), start, end)


@pytest.mark.parametrize(("start", "end"), [(1, 3), (6, 8)])
def test_back_to_back_stays_do_not_conflict(app_ctx, texts, db, start, end):
    house = make_house()
    make_order(house=house, start=day(3), nights=3)
    assert book(house, make_user(), start, end).id


@pytest.mark.parametrize("status", [S.CANCELED, S.REJECTED])
def test_cancelled_or_rejected_orders_free_their_nights(app_ctx, texts, db, status):
    house = make_house()
    make_order(house=house, start=day(1), nights=3, status=status)
    assert book(house, make_user(), 1, 4).id


def test_another_house_on_the_same_dates_is_fine(app_ctx, texts, db):
    make_order(house=make_house(), start=day(1), nights=3)
    assert book(make_house(), make_user(), 1, 4).id


def _normalized(run) -> list[str]:
    """The statements ``run()`` sends, on one line each, lower case."""
    return [" ".join(sql.split()).lower() for sql in statements_of(run)]


def test_the_house_lock_is_taken_before_the_nights_are_read(app_ctx, texts, db):
    """The house's calendar lock comes first: on SQLite the booking's first write (the database's write
    lock), then the overlap check; on PostgreSQL the house read itself, before any other statement."""
    house, guest = make_house(), make_user()
    statements = _normalized(lambda: book(house, guest, 1, 2))
    writes = [i for i, sql in enumerate(statements) if sql.startswith(("update", "insert", "delete"))]
    order_reads = [i for i, sql in enumerate(statements) if sql.startswith("select") and "from ih_order" in sql]
    if db.engine.dialect.name == "postgresql":  # the exclusion constraint checks the insert: no SELECT for it
        house_read = next(i for i, sql in enumerate(statements) if "guest_lock" in sql)
        assert statements[house_read].endswith("for no key update of ih_house")
        nights = [i for i, sql in enumerate(statements) if "ih_order" in sql or "ih_house_block" in sql]
        assert house_read < min(nights)
        assert statements[writes[0]].startswith("insert into ih_order ")
        assert all("ih_order.start_date <" not in statements[i] for i in order_reads)
    else:  # the active orders overlapping the stay, read under the write lock, before the insert
        assert statements[writes[0]].startswith("update ih_house set booking_version")
        assert statements[writes[1]].startswith("insert into ih_order ")
        overlap_check = next(i for i in order_reads if "ih_order.start_date <" in statements[i])
        assert writes[0] < overlap_check < writes[1]


def test_the_guest_row_is_locked_with_the_house_read_before_the_limits_are_counted(app_ctx, texts, db):
    """One statement reads the house and locks the guest's row; the pending count is a later statement."""
    house_id, guest_id = make_house().id, make_user().id
    db.session.expunge_all()  # as in a request: nothing loaded yet
    statements = _normalized(lambda: booking.create_order(user_id=guest_id, house_id=house_id, start_date=day(1),
                                                          end_date=day(2)))
    assert not any(sql.startswith("select") and "from ih_user" in sql.split(" join ")[0] for sql in statements)
    house_read = next(i for i, sql in enumerate(statements) if sql.startswith("select ih_house.id"))
    assert "from ih_house join (select ih_user.id as guest_id from ih_user where ih_user.id =" in statements[house_read]
    assert "ih_house_image" not in " ".join(statements) and "ih_facility" not in " ".join(statements)
    if db.engine.dialect.name == "postgresql":
        assert "for update) as guest_lock" in statements[house_read]
    pending = next(i for i, sql in enumerate(statements) if sql.startswith("select") and "ih_order.user_id =" in sql)
    assert house_read < pending


def _lock_writes(db) -> int:
    """``booking_version`` after one booking: SQLite's calendar lock is a write, PostgreSQL's a row lock."""
    return 0 if db.engine.dialect.name == "postgresql" else 1


def _house_state(db, house_id: int) -> tuple[int, int, int]:
    """(orders of the house, their events, the house's booking_version), read afresh."""
    db.session.expire_all()
    orders = db.session.scalars(select(Order.id).where(Order.house_id == house_id)).all()
    events = db.session.scalars(select(OrderEvent.id).where(OrderEvent.order_id.in_(orders))).all() if orders else []
    return len(orders), len(events), db.session.get(House, house_id).booking_version


def test_a_blocked_night_refused_after_the_insert_leaves_nothing_behind(app_ctx, texts, db):
    """The insert comes before the blocked-nights check: the refusal rolls the new row back with the rest."""
    house, guest = make_house(), make_user()
    db.session.add(HouseBlock(house_id=house.id, start_date=day(2), end_date=day(3)))
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        book(house, guest, 1, 4)
    [message] = refused.value.data["fields"]["start_date"]
    assert day(2).isoformat() in message
    db.session.commit()  # the session is usable again, and there is nothing to commit
    assert _house_state(db, house.id) == (0, 0, 0)
    assert texts == []


def test_the_pending_limit_refused_after_the_insert_leaves_nothing_behind(app_ctx, texts, db):
    """The guest's limit is counted after the insert, without the new row; a refusal rolls it back."""
    app_ctx.config["MAX_PENDING_PER_GUEST"] = 2
    guest = make_user()
    held = [make_house(), make_house()]
    for house in held:
        make_order(house=house, guest=guest, start=day(1), nights=2)
    house = make_house()
    with pytest.raises(RateLimited):
        book(house, guest, 1, 3)
    db.session.commit()
    assert _house_state(db, house.id) == (0, 0, 0)
    assert texts == []
    app_ctx.config["MAX_PENDING_PER_GUEST"] = 3  # one more allowed: the new row is not counted against itself
    order = book(house, guest, 1, 3)
    db.session.commit()
    assert _house_state(db, house.id) == (1, 1, _lock_writes(db)) and order.status == S.WAIT_ACCEPT


def test_a_second_pending_booking_of_one_house_is_refused_and_rolled_back(app_ctx, texts, db):
    guest, house = make_user(), make_house()
    make_order(house=house, guest=guest, start=day(1), nights=2)
    with pytest.raises(RateLimited):
        book(house, guest, 5, 6)
    db.session.commit()
    assert _house_state(db, house.id)[:2] == (1, 0)  # the factory's order only (it writes no event)


def test_exclusion_constraint_refusal_is_a_conflict(app_ctx, texts, db, monkeypatch):
    """PostgreSQL's backing: with the application's check skipped, the database still refuses (409).
    On SQLite (no such constraint) the same request shows the check is what refuses it."""
    house = make_house()
    make_order(house=house, start=day(1), nights=3)
    if db.engine.dialect.name == "postgresql":
        monkeypatch.setattr(booking, "_overlaps", lambda **_: False)
    with pytest.raises(Conflict):
        book(house, make_user(), 2, 3)
    db.session.rollback()
    assert len(db.session.scalars(select(Order).where(Order.house_id == house.id)).all()) == 1


def test_today_follows_the_marketplace_time_zone(app_ctx, texts, db):
    # 17:00 UTC on Jan 1 is already Jan 2 in Shanghai: Jan 1 is in the past there.
    with clock.frozen(datetime(2030, 1, 1, 17, 0, tzinfo=UTC)):
        house = make_house()
        with pytest.raises(Invalid):
            booking.create_order(user_id=make_user().id, house_id=house.id,
                                 start_date=datetime(2030, 1, 1).date(), end_date=datetime(2030, 1, 3).date())
        assert booking.create_order(user_id=make_user().id, house_id=house.id,
                                    start_date=datetime(2030, 1, 2).date(), end_date=datetime(2030, 1, 3).date())


# ---- calendar ---------------------------------------------------------------------------------------------

def test_calendar_lists_active_stays_in_the_window_only(app_ctx, texts, db):
    house = make_house()
    make_order(house=house, start=day(1), nights=2)
    make_order(house=house, start=day(10), nights=3, status=S.PAID)
    make_order(house=house, start=day(5), nights=2, status=S.CANCELED)
    make_order(house=house, start=day(40), nights=2)
    make_order(house=make_house(), start=day(3), nights=2)  # another house
    assert booking.calendar(house_id=house.id, start=day(2), end=day(11)) == [
        {"start_date": day(1).isoformat(), "end_date": day(3).isoformat()},
        {"start_date": day(10).isoformat(), "end_date": day(13).isoformat()},
    ]


def test_calendar_defaults_to_today_and_180_days(app_ctx, texts, db):
    house = make_house()
    make_order(house=house, start=day(179), nights=1)
    make_order(house=house, start=day(180), nights=2)
    assert [s["start_date"] for s in booking.calendar(house_id=house.id)] == [day(179).isoformat()]


def test_calendar_sees_a_new_booking_at_once(app_ctx, texts, db):
    house = make_house()
    assert booking.calendar(house_id=house.id) == []  # cached now
    book(house, make_user(), 1, 2)
    db.session.commit()
    assert len(booking.calendar(house_id=house.id)) == 1


@pytest.mark.parametrize(("start", "end"), [(5, 5), (5, 4), (0, 367)])
def test_calendar_refuses_bad_windows(app_ctx, texts, db, start, end):
    with pytest.raises(Invalid):
        booking.calendar(house_id=make_house().id, start=day(start), end=day(end))


def test_calendar_allows_366_days(app_ctx, texts, db):
    assert booking.calendar(house_id=make_house().id, start=day(0), end=day(366)) == []


def test_calendar_of_an_unknown_house_is_not_found(app_ctx, texts, db):
    with pytest.raises(NotFound):
        booking.calendar(house_id=999999)
