"""Request and response bodies of the payments API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class PayUrlOut(BaseModel):
    pay_url: str = Field(description="where the browser goes to pay (the provider's cashier)")


class ReturnParamsIn(BaseModel):
    """The query parameters the provider appended to the return URL, as one JSON object of strings."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": {"type": "string"}})

    out_trade_no: str = Field(max_length=64, description="our trade number")
    sign: str = Field(max_length=2048, description="the provider's RSA2 signature")
    total_amount: str = Field(max_length=16, description="yuan with two decimals")
    app_id: str = Field(max_length=32)


class PaymentStateOut(BaseModel):
    order_id: int
    status: str = Field(description="the order's status: PAID once the payment is confirmed; WAIT_PAYMENT while "
                                    "the provider's notice is still on its way (the page shows 'processing')")
    paid: bool = Field(description="whether this payment is confirmed (by the notify or a trade query)")


class EarningsQuery(BaseModel):
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                              description="YYYY-MM: list only the payouts due that month (all when absent)")


class EarningsMonthOut(BaseModel):
    month: str = Field(description="YYYY-MM, the month the payouts are due in (check-in + 1 day)")
    pending: int = Field(description="fen not yet paid out")
    paid: int = Field(description="fen paid out")
    count: int = Field(description="payouts due that month")
    pending_display: str = Field(description="pending as shown, e.g. ¥416.50")
    paid_display: str = Field(description="paid as shown")


class PayoutOut(BaseModel):
    payout_id: int
    order_id: int
    host_id: int
    house_id: int
    title: str = Field(description="the house's title")
    start_date: date = Field(description="check-in")
    end_date: date = Field(description="check-out")
    due_date: date = Field(description="check-in + 1 day: from then the host is owed it")
    amount: int = Field(description="fen: the order's host_payout, stored at booking time")
    amount_display: str = Field(description="amount as shown, e.g. ¥416.50")
    status: str = Field(description="pending or paid")
    created_at: str = Field(description="ISO 8601, UTC")
    paid_at: str | None = Field(description="when an administrator marked it paid (ISO 8601, UTC)")
    paid_by: int | None = Field(description="the administrator who marked it paid")
    note: str | None = Field(description="the administrator's note")


class EarningsOut(BaseModel):
    months: list[EarningsMonthOut] = Field(description="every month with a payout, newest first")
    payouts: list[PayoutOut] = Field(description="the payouts of `month` (or all), newest due first")
    pending: int = Field(description="fen owed, all months")
    paid: int = Field(description="fen paid out, all months")
    pending_display: str
    paid_display: str
