"""Request and response bodies of the payments API."""

from __future__ import annotations

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
