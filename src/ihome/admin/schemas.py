"""Request and response models of the statistics API (GET /api/v1.0/admin/stats/...)."""

from __future__ import annotations

import datetime as dt
from datetime import date

from pydantic import BaseModel, Field

from ihome.admin.reports import REPORTS
from ihome.admin.stats import INTERVALS, METRICS

RATE = "0..1 with 4 decimals; null when the denominator is 0"


class RangeQuery(BaseModel):
    start: date = Field(description="first day, YYYY-MM-DD (marketplace time zone), inclusive")
    end: date = Field(description="last day, inclusive; at most 366 days from start")


class SummaryQuery(RangeQuery):
    aid: int | None = Field(default=None, description="one district only (absent: the whole marketplace)")


class TimeseriesQuery(SummaryQuery):
    metric: str = Field(description="a numeric key of the summary, dotted for nested (bookings.requested)",
                        json_schema_extra={"enum": list(METRICS)})
    interval: str = Field(default="day", description="day | week | month", json_schema_extra={"enum": list(INTERVALS)})


class ExportQuery(SummaryQuery):
    report: str = Field(description="daily | districts | houses", json_schema_extra={"enum": list(REPORTS)})


class BookingsOut(BaseModel):
    requested: int = Field(description="orders created (booking requests)")
    accepted: int = Field(description="accept events")
    rejected: int = Field(description="reject events")
    expired: int = Field(description="cancelled by the expiry jobs (unanswered or unpaid)")
    cancelled_by_guest: int = Field(description="cancel events whose actor is the order's guest")
    cancelled_by_host: int = Field(description="cancel events whose actor is the house's host")
    paid: int = Field(description="payments that succeeded")
    completed: int = Field(description="stays that ended (PAID to WAIT_COMMENT)")


class SummaryOut(BaseModel):
    start: date
    end: date
    gmv: int = Field(description="fen: amount of the payments that succeeded")
    refunds: int = Field(description="fen: refunds that succeeded")
    net_gmv: int = Field(description="fen: gmv − refunds")
    revenue: int = Field(description="fen: service fees + commissions of those payments, less what refunds gave back")
    bookings: BookingsOut
    acceptance_rate: float | None = Field(description=f"accepted ÷ (accepted + rejected + expired unanswered); {RATE}")
    cancellation_rate: float | None = Field(
        description=f"accepted bookings cancelled by guest or host ÷ accepted; {RATE}")
    occupancy_rate: float | None = Field(description=f"booked nights ÷ available house-nights; {RATE}")
    adr: int | None = Field(description="fen: booked nights' subtotal ÷ booked nights")
    revpar: int | None = Field(description="fen: booked nights' subtotal ÷ available house-nights")
    avg_lead_time_days: float | None = Field(description="days from request to check-in, mean over requests")
    avg_stay_nights: float | None = Field(description="nights per request, mean")
    new_users: int
    new_hosts: int = Field(description="users whose first house was created")
    new_listings: int
    active_listings: int = Field(description="houses listed at the end of the last day")
    avg_rating: float | None = Field(description="mean rating of the reviews written")
    searches: int
    detail_views: int


class PointOut(BaseModel):
    date: dt.date = Field(description="the interval's first day inside the range")
    value: float | int | None = Field(description="the metric over the interval (null: a rate without denominator)")


class TimeseriesOut(BaseModel):
    metric: str
    interval: str
    points: list[PointOut]


class DistrictOut(BaseModel):
    aid: int
    aname: str
    active_listings: int
    booked_nights: int
    occupancy_rate: float | None = Field(description=RATE)
    adr: int | None = Field(description="fen")
    gmv: int = Field(description="fen")


class DistrictsOut(BaseModel):
    districts: list[DistrictOut]
