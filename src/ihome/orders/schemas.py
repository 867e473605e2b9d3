"""Request and response models of the orders API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from ihome.core.schema_types import MAX_DATE, MIN_DATE, BoundedDate, Text
from ihome.orders.review_schemas import OrderReviewFields


def _query_date(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise PydanticCustomError("date_range", _("Enter a date from %(low)s to %(high)s",
                                                  low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat()))
    return value


# BoundedDate without its documented pattern: two required query dates that each carry format and pattern
# leave a fuzzer too few strings (schemathesis's filter_too_much); the bounds are still checked
QueryDate = Annotated[date, AfterValidator(_query_date)]


class BookingIn(BaseModel):
    house_id: int = Field(ge=1, description="the house to book")
    start_date: BoundedDate = Field(description="check-in date, YYYY-MM-DD (today or later)")
    end_date: BoundedDate = Field(description="check-out date, YYYY-MM-DD (after start_date); the stay is [start, end)")
    guests: int = Field(default=1, ge=1, le=1000, description="how many people stay: 1 to the house's capacity")


class BookingOut(BaseModel):
    order_id: int
    days: int = Field(description="nights")
    subtotal: int = Field(description="the nights' prices, fen")
    service_fee: int = Field(description="the guest's service fee (IHOME_GUEST_FEE_PERCENT % of subtotal), fen")
    amount: int = Field(description="what the guest pays: subtotal + service_fee, fen")


class StatusIn(BaseModel):
    action: Literal["accept", "reject", "cancel", "host_cancel"] = Field(
        description="host: accept, reject (with reason) or host_cancel (with reason); guest: cancel")
    reason: Text | None = Field(default=None, max_length=500,
                                description="required with reject and host_cancel, 1–500 characters")


class OrderStateOut(BaseModel):
    order_id: int
    status: str = Field(description="WAIT_ACCEPT, WAIT_PAYMENT, PAID, WAIT_COMMENT, COMPLETE, CANCELED or REJECTED")


class OrdersQuery(BaseModel):
    role: Literal["custom", "landlord"] = Field(
        default="custom", description="custom: my bookings; landlord: bookings of my houses")


class OrderGuestOut(BaseModel):
    user_id: int
    name: str
    avatar_url: str | None
    verified: bool = Field(description="the guest has set real-name information")
    mobile: str = Field(description="the guest's own and an administrator see it whole; the host sees it masked "
                                    "(138****8000) until the order has reached PAID")


class OrderItemOut(OrderReviewFields):
    order_id: int
    house_id: int
    title: str
    img_url: str | None = Field(description="the house's index image, or null")
    start_date: date
    end_date: date
    ctime: str = Field(description="when it was booked, ISO 8601 in UTC")
    days: int = Field(description="nights")
    amount: int = Field(description="what the guest pays in fen (subtotal + service fee)")
    status: str
    comment: str | None = Field(description="the guest's review of the house: for the guest and administrators, "
                                            "for the host once the stay's reviews are public")
    rating: int | None = Field(description="its stars, shown like comment")
    reject_reason: str | None
    # the booking journey: who booked and how many (the host's list shows the guest; null in my bookings)
    guests: int = Field(description="how many people stay")
    guest: OrderGuestOut | None = Field(default=None, description="role=landlord: the guest who booked; "
                                                                  "null in my own bookings")


class OrderListOut(BaseModel):
    orders: list[OrderItemOut]


class CalendarQuery(BaseModel):
    start: BoundedDate | None = Field(default=None, description="window start, YYYY-MM-DD (default today)")
    end: BoundedDate | None = Field(default=None, description="window end, YYYY-MM-DD (default start + 180 days; "
                                                      "at most 366 days after start)")


class StayOut(BaseModel):
    start_date: date
    end_date: date


class NightPriceOut(BaseModel):
    date: date
    price: int = Field(description="the night's price, fen: the owner's override, else the weekend price on "
                                   "Friday and Saturday nights, else the base price")
    price_display: str = Field(description='the price as shown: "¥416", or "¥416.50" when there are fen')


class CalendarOut(BaseModel):
    booked: list[StayOut] = Field(description="stays [start_date, end_date) of active orders in the window")
    blocked: list[StayOut] = Field(description="nights [start_date, end_date) nobody can book: the host's blocks "
                                               "and other sites' busy nights (imported calendars) together, "
                                               "merged, without saying which")
    prices: list[NightPriceOut] = Field(description="every night of the window, in order, with its price")


class QuoteQuery(BaseModel):
    start_date: QueryDate = Field(description="check-in date, YYYY-MM-DD (today or later)")
    end_date: QueryDate = Field(description="check-out date, YYYY-MM-DD (after start_date); the stay is [start, end)")
    guests: int = Field(default=1, ge=1, le=1000, description="how many people stay: 1 to the house's capacity")


class QuoteOut(BaseModel):
    nights: int
    subtotal: int = Field(description="the sum of the nights' prices, fen")
    service_fee: int = Field(description="the guest's service fee (IHOME_GUEST_FEE_PERCENT % of subtotal, rounded "
                                         "half up), fen")
    amount: int = Field(description="what the guest would pay: subtotal + service_fee, fen")
    subtotal_display: str = Field(description='subtotal as shown, "¥416" or "¥416.50"')
    service_fee_display: str
    amount_display: str
    nightly: list[NightPriceOut] = Field(description="each night of the stay with its price, in order")


Policy = Literal["flexible", "moderate", "strict"]


class OrderEventOut(BaseModel):
    from_status: str | None = Field(description="null on the order's creation")
    to_status: str
    actor_role: Literal["guest", "host", "admin", "system", "user"]
    note: str | None = Field(description="a reject or cancel reason, a payment's trade number, or null")
    at: str = Field(description="ISO 8601, UTC")


class OrderRefundOut(BaseModel):
    amount: int = Field(description="fen, the sum of the order's refunds")
    amount_display: str = Field(description="the amount as shown: ¥416, ¥416.50")
    status: Literal["PENDING", "SUCCEEDED", "FAILED"]


class CancelPreviewOut(BaseModel):
    amount: int = Field(description="fen")
    amount_display: str


class OrderDetailOut(OrderItemOut):
    guests: int
    subtotal: int = Field(description="the nights' prices, fen")
    service_fee: int = Field(description="the guest's service fee, fen")
    host_payout: int | None = Field(description="what the host receives (subtotal − commission), fen; "
                                                "null for the guest")
    cancellation_policy: Policy = Field(description="the house's policy when it was booked")
    full_refund_until: date | None = Field(description="a guest's cancel on or before this date refunds all of "
                                                      "amount (null: strict never does)")
    half_refund_until: date | None = Field(description="the last date a cancel refunds 50 % of subtotal")
    viewer_role: Literal["guest", "host", "admin"]
    guest: OrderGuestOut
    events: list[OrderEventOut] = Field(description="every transition, oldest first")
    refund: OrderRefundOut | None
    conversation_id: int | None = Field(description="the guest's conversation about this house, or null")
    subtotal_display: str = Field(description="subtotal as shown: ¥416, ¥416.50")
    service_fee_display: str
    amount_display: str
    host_payout_display: str | None = Field(description="null for the guest")
    cancel_refund: CancelPreviewOut | None = Field(
        description="a PAID order before check-in: what a guest's cancel today would refund by the stored policy; "
                    "else null")
