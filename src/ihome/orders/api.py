"""The orders JSON API under /api/v1.0: book, answer, cancel, list; a house's calendar (reviews: ihome.reviews.api)."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask

from ihome.core.responses import ok
from ihome.core.security import login_required, require_user_id
from ihome.extensions import db
from ihome.orders import booking, detail, service, subscribers
from ihome.orders.schemas import (
    BookingIn,
    BookingOut,
    CalendarOut,
    CalendarQuery,
    OrderDetailOut,
    OrderListOut,
    OrdersQuery,
    OrderStateOut,
    QuoteOut,
    QuoteQuery,
    StatusIn,
)

bp = APIBlueprint("orders_api", __name__, url_prefix="/api/v1.0", tag="Orders")


@bp.post("/orders")
@login_required
@bp.input(BookingIn)
@bp.output(BookingOut, status_code=201)
@bp.doc(summary="Book a house",
        description="The server computes nights (days), subtotal = the sum of the nights' prices (the owner's "
                    "price for that night, else weekend_price on Friday and Saturday nights, else price; "
                    "GET /houses/{house_id}/quote shows them), the guest's service fee "
                    "(IHOME_GUEST_FEE_PERCENT %, rounded half up to the fen) and amount = subtotal + service_fee; "
                    "the order starts in WAIT_ACCEPT and the host gets a text (at most one per host per "
                    "IHOME_HOST_REQUEST_TEXT_MINUTES, later ones counted in a digest). Two bookings of the same "
                    "nights never both succeed. A guest holds at most IHOME_MAX_PENDING_PER_GUEST orders in "
                    "WAIT_ACCEPT/WAIT_PAYMENT, and one per house.",
        responses={401: "not logged in (4101)", 403: "your own house (4105)", 404: "no such house (4002)",
                   400: "past check-in or beyond IHOME_BOOKING_HORIZON_DAYS, check-out not after check-in, more "
                        "than IHOME_MAX_NIGHTS nights, nights outside min/max, guests outside 1..capacity, or a "
                        "night blocked by the host or busy on an imported calendar (field start_date) (4103)",
                   409: "the dates are taken (4004)",
                   429: "too many pending bookings, or one already pending on this house (4201, Retry-After)"})
def book(json_data: BookingIn):
    order = booking.create_order(user_id=require_user_id(), house_id=json_data.house_id,
                                 start_date=json_data.start_date, end_date=json_data.end_date,
                                 guests=json_data.guests)
    db.session.commit()
    return ok({"order_id": order.id, "days": order.days, "subtotal": order.subtotal,
               "service_fee": order.service_fee, "amount": order.amount}, 201)


@bp.get("/user/orders")
@login_required
@bp.input(OrdersQuery, location="query")
@bp.output(OrderListOut)
@bp.doc(summary="My orders", description="role=custom: my bookings; role=landlord: bookings of my houses. "
                                         "Newest first.",
        responses={401: "not logged in (4101)", 400: "bad role (4103)"})
def my_orders(query_data: OrdersQuery):
    return ok({"orders": service.list_orders(user_id=require_user_id(), role=query_data.role)})


@bp.get("/orders/<int:order_id>")
@login_required
@bp.output(OrderDetailOut)
@bp.doc(summary="One order",
        description="For the order's guest, its host or an administrator: the list fields plus guests, money, "
                    "the cancellation policy it was booked under (with the last dates for a full and a 50 % "
                    "refund), the guest (mobile masked for the host until the order reached PAID), the event "
                    "log, the refund and the conversation. host_payout is null for the guest.",
        responses={401: "not logged in (4101)", 403: "not your order (4105)", 404: "no such order (4002)"})
def order_detail(order_id: int):
    return ok(detail.order_detail(user_id=require_user_id(), order_id=order_id))


@bp.put("/orders/<int:order_id>/status")
@login_required
@bp.input(StatusIn)
@bp.output(OrderStateOut)
@bp.doc(summary="Accept, reject or cancel",
        description="Host: accept (→ WAIT_PAYMENT) or reject with a reason (→ REJECTED) a WAIT_ACCEPT booking; "
                    "host_cancel with a reason a WAIT_PAYMENT or PAID booking before check-in (→ CANCELED, a "
                    "paid one refunded in full). Guest: cancel a WAIT_ACCEPT or WAIT_PAYMENT booking, or a PAID "
                    "one before check-in, refunded by the policy stored on the order, counted in whole days "
                    "from today (marketplace time zone) to check-in: flexible all of amount ≥ 1 day before; "
                    "moderate all ≥ 5 days before, else 50 % of subtotal; strict 50 % of subtotal ≥ 7 days "
                    "before, else nothing (half fen rounded down). The refund goes to the payment provider "
                    "once (a stable out_request_no); a refund of 0 makes no provider call. The action applies "
                    "to the state the request saw: if the order changed meanwhile (a race), 409.",
        responses={401: "not logged in (4101)", 403: "not the host/guest for this action (4105)",
                   404: "no such order (4002)", 400: "reject or host_cancel without a reason (4103)",
                   409: "not allowed in the order's state (4004)"})
def change_status(order_id: int, json_data: StatusIn):
    order = service.change_status(user_id=require_user_id(), order_id=order_id, action=json_data.action,
                                  reason=json_data.reason)
    db.session.commit()
    return ok({"order_id": order.id, "status": order.status})


@bp.get("/houses/<int:house_id>/calendar")
@bp.input(CalendarQuery, location="query")
@bp.output(CalendarOut)
@bp.doc(summary="Booked, blocked and priced nights of a house", tags=["Houses"],
        description="For the window [start, end): stays [start_date, end_date) of active orders (nothing about "
                    "who booked); blocked ranges (the host's blocks and imported calendars' busy nights, merged, "
                    "no source shown); and the price of every night of the window. start defaults to today, end "
                    "to start + 180 days; at most 366 days apart.",
        responses={404: "no such house, or hidden (unpublished, unlisted or its host suspended) from anyone but "
                        "its owner and administrators (4002)", 400: "bad dates (4103)"})
def house_calendar(house_id: int, query_data: CalendarQuery):
    return ok(booking.calendar_window(house_id=house_id, start=query_data.start, end=query_data.end))


@bp.get("/houses/<int:house_id>/quote")
@bp.input(QuoteQuery, location="query")
@bp.output(QuoteOut)
@bp.doc(summary="The price of a stay", tags=["Houses"],
        description="What POST /orders would charge for [start_date, end_date) with `guests`, night by night, "
                    "refused exactly as the booking would be. No login needed; nothing is held.",
        responses={404: "no such house, or hidden (4002)",
                   400: "past check-in or beyond IHOME_BOOKING_HORIZON_DAYS, check-out not after check-in, more "
                        "than IHOME_MAX_NIGHTS nights, nights outside min/max, guests outside 1..capacity, or a "
                        "blocked night (field start_date) (4103)",
                   409: "a night is already booked (4004)"})
def house_quote(house_id: int, query_data: QuoteQuery):
    return ok(booking.quote_stay(house_id=house_id, start_date=query_data.start_date, end_date=query_data.end_date,
                                 guests=query_data.guests))


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
    subscribers.subscribe()
