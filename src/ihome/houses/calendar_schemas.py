"""Request and response models of the owner's calendar API (blocks and nightly prices)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, StrictBool, StrictInt

from ihome.core.schema_types import BoundedDate
from ihome.houses.fields import MAX_MONEY


class RangeOut(BaseModel):
    start_date: date
    end_date: date = Field(description="exclusive: the night of end_date is not in the range")


class NightOut(BaseModel):
    date: date
    price: int = Field(description="fen")
    price_display: str = Field(description='the price as shown: "¥416", or "¥416.50" when there are fen')


class BlocksIn(BaseModel):
    start_date: BoundedDate = Field(description="the first night, YYYY-MM-DD (today or later)")
    end_date: BoundedDate = Field(description="the day after the last night (the range is [start_date, end_date)): "
                                              "after start_date, at most 366 nights, nights up to today + "
                                              "IHOME_BOOKING_HORIZON_DAYS")
    blocked: StrictBool = Field(description="true: nobody can book these nights; false: free them again (the "
                                            "host's blocks only; other sites' busy nights stay)")


class BlocksOut(BaseModel):
    blocked: list[RangeOut] = Field(description="the host's own blocks from today on, merged, in order")


class PricesIn(BaseModel):
    start_date: BoundedDate = Field(description="the first night, YYYY-MM-DD (today or later)")
    end_date: BoundedDate = Field(description="the day after the last night: after start_date, at most 366 nights, "
                                              "nights up to today + IHOME_BOOKING_HORIZON_DAYS")
    price: StrictInt | None = Field(ge=0, le=MAX_MONEY, description="the price of each of these nights, fen "
                                                              "(0–100,000,000); null: back to the weekend or "
                                                              "base price")


class PricesOut(BaseModel):
    prices: list[NightOut] = Field(description="every night of the range with the price it now has")


class OwnerCalendarOut(BaseModel):
    blocked: list[RangeOut] = Field(description="the host's own blocks from today on, merged")
    imported: list[RangeOut] = Field(description="other sites' busy nights (imported calendars) from today on, "
                                                 "merged")
    overrides: list[NightOut] = Field(description="the nights from today on that have the host's own price")
