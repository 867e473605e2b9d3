"""A small marketplace with a known history, for the statistics tests.

Three days, 2030-03-01 to 03-03 (Asia/Shanghai), two districts (1 and 2), three houses, eight
booking requests that go every way an order can go: accepted, rejected, expired unanswered,
expired unpaid, cancelled by the guest before and after payment (with a partial refund), cancelled
by the host, paid, stayed, reviewed. Everything goes through the real services and jobs under the
injected clock; only what has no service yet is written as the coming code will write it (a host's
cancel is the guarded transition with the host as actor; the partial refund is the refund record
with the policy's amount). Searches and detail views go through the HTTP API.

The expected figures are worked out by hand in ``EXPECTED`` (see each comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ihome.core import clock
from ihome.extensions import db
from ihome.orders import booking, jobs, service
from ihome.orders.models import Order
from ihome.orders.transitions import apply_transition
from ihome.payments import service as payments
from ihome.payments.models import Payment, Refund, RefundStatus
from ihome.reviews import service as reviews
from tests.factories.accounts import make_user
from tests.factories.houses import make_house

ZONE = ZoneInfo("Asia/Shanghai")
D1, D2, D3 = date(2030, 3, 1), date(2030, 3, 2), date(2030, 3, 3)
AFTER = datetime(2030, 3, 10, 12, 0, tzinfo=ZONE)  # "now" once the history is written
LAST_CLOSED = date(2030, 3, 9)  # the last closed day at AFTER


@contextmanager
def at(day: date, hour: int, minute: int = 0) -> Iterator[None]:
    with clock.frozen(datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)):
        yield


@dataclass
class Marketplace:
    houses: dict[str, int] = field(default_factory=dict)
    hosts: dict[str, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)


def _book(guest_id: int, house_id: int, start: date, nights: int) -> int:
    order = booking.create_order(user_id=guest_id, house_id=house_id, start_date=start,
                                 end_date=start + timedelta(days=nights))
    db.session.commit()
    return order.id


def _act(order_id: int, user_id: int, action: str, reason: str | None = None) -> None:
    service.change_status(user_id=user_id, order_id=order_id, action=action, reason=reason)
    db.session.commit()


def _pay(order_id: int) -> None:
    """The money arrives: a Payment applied by the payments service, as a verified notice does."""
    amount = db.session.get(Order, order_id).amount
    payment = Payment(order_id=order_id, out_trade_no=f"stats-{order_id}", amount=amount, status="STARTED")
    db.session.add(payment)
    db.session.flush()
    payments._apply_success(payment_id=payment.id, trade_no=f"T{order_id}", notice={}, actor="system:alipay")
    db.session.commit()


def build(app, client) -> Marketplace:
    """Write the history (inside ``app``'s request context) and the API traffic (through ``client``)."""
    m = Marketplace()
    with app.test_request_context("/"):
        with at(D1, 8):
            host_a, host_b = make_user(verified=True), make_user(verified=True)
            guests = [make_user() for _ in range(3)]
            h1 = make_house(owner=host_a, area_id=1, price=10000)
            h2 = make_house(owner=host_b, area_id=2, price=20000)
            h3 = make_house(owner=host_b, area_id=2, price=15000)
        m.hosts = {"a": host_a.id, "b": host_b.id}
        m.houses = {"h1": h1.id, "h2": h2.id, "h3": h3.id}
        g1, g2, g3 = (g.id for g in guests)
        a, b = host_a.id, host_b.id
        o = m.orders
        # day 1
        with at(D1, 9):
            o["o8"] = _book(g2, h1.id, D1, 2)                 # nights 03-01, 03-02: subtotal 20000, amount 21000
        with at(D1, 9, 30):
            _act(o["o8"], a, "accept")
        with at(D1, 10):
            _pay(o["o8"])
        with at(D1, 11):
            o["o1"] = _book(g1, h1.id, date(2030, 3, 5), 3)   # 30000
            o["o2"] = _book(g2, h2.id, date(2030, 3, 4), 2)   # 40000
            o["o3"] = _book(g3, h3.id, date(2030, 3, 10), 2)  # 30000, never answered
        with at(D1, 12):
            o["o7"] = _book(g3, h2.id, D2, 2)                 # 40000, accepted, never paid
        with at(D1, 12, 30):
            _act(o["o7"], b, "accept")
        with at(D1, 13):
            _act(o["o1"], a, "accept")
        with at(D1, 14):
            _act(o["o2"], b, "reject", reason="Closed for repairs")
        with at(D1, 15):
            jobs.expire_unpaid()                              # o7, 2.5 h after its accept
        # day 2
        with at(D2, 9):
            _pay(o["o1"])
        with at(D2, 10):
            o["o4"] = _book(g1, h2.id, date(2030, 3, 7), 3)   # 60000
            o["o5"] = _book(g2, h3.id, date(2030, 3, 20), 4)  # 60000
        with at(D2, 10, 30):
            _act(o["o5"], b, "accept")
        with at(D2, 11):
            _act(o["o4"], b, "accept")
            _pay(o["o5"])
        with at(D2, 12):
            jobs.expire_unanswered()                          # o3, 25 h after its request
        with at(D2, 15):
            _act(o["o4"], g1, "cancel")                       # accepted, not paid
        # day 3
        with at(D3, 8):
            jobs.finish_stays()                               # o8's check-out day
        with at(D3, 9):
            _act(o["o5"], g2, "cancel")                       # paid: refunded by the policy
        with at(D3, 10):
            refund = db.session.scalars(select(Refund).join(Payment).where(Payment.order_id == o["o5"])).one()
            refund.amount = 30000                             # the policy's partial refund
            refund.status = RefundStatus.SUCCEEDED.value
            db.session.commit()
            o["o6"] = _book(g3, h1.id, date(2030, 3, 13), 2)  # 20000
        with at(D3, 10, 5):
            _act(o["o6"], a, "accept")
        with at(D3, 11):
            # the host cancels an accepted booking (the coming host_cancel action records it like this)
            assert apply_transition(order_id=o["o6"], action="cancel", actor=f"user:{a}", note="host cancel")
            db.session.commit()
        with at(D3, 12):
            reviews.review_house(user_id=g2, order_id=o["o8"], comment="Lovely", rating=4)
            db.session.commit()
    # searches and detail views, counted by the app
    with at(D2, 16):
        for query in ("?aid=1", "?aid=1", ""):
            assert client.get(f"/api/v1.0/houses{query}").status_code == 200
        for _ in range(3):
            assert client.get(f"/api/v1.0/houses/{m.houses['h2']}").status_code == 200
    with at(D3, 16):
        assert client.get(f"/api/v1.0/houses/{m.houses['h1']}").status_code == 200
    return m


# The summary of 2030-03-01..03-03 for the whole marketplace, worked out by hand.
EXPECTED = {
    "start": "2030-03-01", "end": "2030-03-03",
    "gmv": 115500,                      # amounts = nights + 5 % fee: o8 21000 (D1) + o1 31500 (D2) + o5 63000 (D2)
    "refunds": 30000,                   # o5's partial refund (D3)
    "net_gmv": 85500,
    "revenue": 6515,                    # fee 5 % + commission 3 % of the subtotal: o8 1600 + o1 2400 + o5 4800,
                                        # less o5's refunded share 4800 × 30000 // 63000 = 2285
    "bookings": {
        "requested": 8,                 # D1: o8 o1 o2 o3 o7; D2: o4 o5; D3: o6
        "accepted": 6,                  # o8 o7 o1 (D1), o5 o4 (D2), o6 (D3)
        "rejected": 1,                  # o2
        "expired": 2,                   # o7 unpaid (D1), o3 unanswered (D2)
        "cancelled_by_guest": 2,        # o4 (D2), o5 (D3)
        "cancelled_by_host": 1,         # o6 (D3)
        "paid": 3,                      # o8 o1 o5
        "completed": 1,                 # o8's stay ended (D3)
    },
    "acceptance_rate": 0.75,            # 6 / (6 + 1 rejected + 1 unanswered)
    "cancellation_rate": 0.5,           # o4, o5, o6 cancelled after acceptance / 6 accepted
    "occupancy_rate": 0.2222,           # o8's 2 nights / (3 houses x 3 days)
    "adr": 10000,                       # 20000 / 2 nights
    "revpar": 2222,                     # 20000 / 9 house-nights
    "avg_lead_time_days": 6.25,         # (0 + 4 + 3 + 9 + 1 + 5 + 18 + 10) / 8
    "avg_stay_nights": 2.5,             # (2 + 3 + 2 + 2 + 2 + 3 + 4 + 2) / 8
    "new_users": 5,                     # 2 hosts, 3 guests
    "new_hosts": 2,
    "new_listings": 3,
    "active_listings": 3,
    "avg_rating": 4.0,                  # o8's review
    "searches": 3,
    "detail_views": 4,
}



def request_today(market: Marketplace) -> None:
    """One booking request made today (after the history: the clock at ``AFTER``), of o1's house by host b."""
    house = db.session.get(Order, market.orders["o1"]).house_id
    booking.create_order(user_id=market.hosts["b"], house_id=house, start_date=date(2030, 3, 20),
                         end_date=date(2030, 3, 22))
    db.session.commit()
