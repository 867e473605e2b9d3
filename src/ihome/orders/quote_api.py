"""GET /api/v1.0/houses/{id}/quote: what a stay would cost, before the guest books it.

MINIMAL STAND-IN, replaced at merge by the calendar helper's endpoint (same path, same contract), which
prices each night by the host's overrides and the weekend price. This one prices every night at the
house's base price, through ``ihome.orders.money.stay_quote``, so the booking-journey pages and their
tests have the endpoint to call. The pages show the ``*_display`` strings and never compute money.
"""

from __future__ import annotations

from datetime import date, timedelta

from apiflask import APIBlueprint, APIFlask
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from ihome.core.errors import Conflict, NotFound
from ihome.core.responses import ok
from ihome.houses.presenters import money as money_text
from ihome.houses.visibility import is_publicly_visible
from ihome.orders import booking
from ihome.orders.money import stay_quote

bp = APIBlueprint("orders_quote_api", __name__, url_prefix="/api/v1.0", tag="Houses")


class QuoteQuery(BaseModel):
    # plain dates (no year pattern, unlike BoundedDate): check_stay refuses any date outside today..the
    # booking horizon before anything adds days to it, so no date can overflow here
    start_date: date = Field(description="check-in, YYYY-MM-DD (today to IHOME_BOOKING_HORIZON_DAYS ahead)")
    end_date: date = Field(description="check-out, YYYY-MM-DD (after start_date)")
    guests: int = Field(default=1, ge=1, le=1000, description="1 to the house's capacity")


class NightOut(BaseModel):
    date: date
    price: int = Field(description="fen")
    price_display: str = Field(description="the price as shown: ¥416, ¥416.50")


class QuoteOut(BaseModel):
    nights: int
    subtotal: int = Field(description="the nights' prices, fen")
    service_fee: int = Field(description="the guest's service fee, fen")
    amount: int = Field(description="what the guest would pay: subtotal + service_fee, fen")
    subtotal_display: str
    service_fee_display: str
    amount_display: str
    nightly: list[NightOut]


def stay_price(*, house_id: int, start_date: date, end_date: date, guests: int) -> dict:
    """The quote of [start_date, end_date) for ``guests``; ``Invalid`` (4103) or ``Conflict`` (4004) otherwise."""
    house = booking.get_house(house_id=house_id)
    if not is_publicly_visible(house):
        raise NotFound(_("House not found"))
    nights = booking.check_stay(house=house, start_date=start_date, end_date=end_date)
    booking.check_guests(house=house, guests=guests)
    taken = booking.calendar(house_id=house_id, start=start_date, end=end_date)
    if taken:
        raise Conflict(_("These dates are already booked"))
    quote = stay_quote(price=house.price, nights=nights)
    return {
        "nights": quote.nights, "subtotal": quote.subtotal, "service_fee": quote.service_fee, "amount": quote.amount,
        "subtotal_display": money_text(quote.subtotal), "service_fee_display": money_text(quote.service_fee),
        "amount_display": money_text(quote.amount),
        "nightly": [{"date": start_date + timedelta(days=n), "price": house.price,
                     "price_display": money_text(house.price)} for n in range(nights)],
    }


@bp.get("/houses/<int:house_id>/quote")
@bp.input(QuoteQuery, location="query")
@bp.output(QuoteOut)
@bp.doc(summary="The price of a stay before booking",
        description="Nights, subtotal, the guest's service fee and the amount the guest would pay, with the "
                    "display strings; the same rules as POST /orders.",
        responses={404: "no such house (4002)", 400: "bad dates, nights or guests (4103)",
                   409: "the dates are taken (4004)"})
def house_quote(house_id: int, query_data: QuoteQuery):
    return ok(stay_price(house_id=house_id, start_date=query_data.start_date, end_date=query_data.end_date,
                         guests=query_data.guests))


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
