"""The CSV exports: daily, districts and houses reports, UTF-8 with a BOM so Excel reads Chinese.

Each report is a header row and one row per day, district or house of the range. Columns are the
summary's keys (nested ones dotted, ``bookings.requested``); money in fen, rates 0..1.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ihome.admin import stats
from ihome.admin.figures import booked_stays, day_start, local_day, night_shares
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.reference import list_areas
from ihome.orders.models import Order, OrderEvent
from ihome.payments.models import Payment, PaymentStatus, Refund, RefundStatus

REPORTS = ("daily", "districts", "houses")
BOM = "\ufeff"
DISTRICT_COLUMNS = ("aid", "aname", "active_listings", "booked_nights", "occupancy_rate", "adr", "gmv")
HOUSE_COLUMNS = ("house_id", "title", "aid", "aname", "requested", "paid", "gmv", "refunds", "booked_nights",
                 "occupancy_rate", "adr")


def export(*, report: str, start: date, end: date, aid: int | None = None) -> str:
    """The CSV text of ``report`` (BOM first)."""
    if report not in REPORTS:
        raise Invalid(_("Unknown report"), fields={"report": [_("Must be daily, districts or houses")]})
    stats.check_range(start, end, aid)
    if report == "daily":
        header, rows = _daily(start, end, aid)
    elif report == "districts":
        header = list(DISTRICT_COLUMNS)
        rows = [[row[key] for key in DISTRICT_COLUMNS] for row in stats.districts(start=start, end=end)["districts"]]
    else:
        header, rows = list(HOUSE_COLUMNS), _houses(start, end, aid)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue()


def _daily(start: date, end: date, aid: int | None) -> tuple[list[str], list[list[Any]]]:
    per_day = stats.daily(start, end, aid=aid)
    header = ["date", *stats.METRICS]
    rows = []
    for day, values in per_day.items():
        figures = stats.derive(Counter(values), active_listings=values["active_listings"])
        rows.append([day.isoformat(), *(stats.metric_value(figures, metric) for metric in stats.METRICS)])
    return header, rows


def _houses(start: date, end: date, aid: int | None) -> list[list[Any]]:
    """Per house of the range (live from the records): requests, payments, refunds and booked nights."""
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    sums: dict[int, Counter] = defaultdict(Counter)
    requested = select(Order.house_id).join(OrderEvent, OrderEvent.order_id == Order.id).where(
        OrderEvent.from_status.is_(None), OrderEvent.create_time >= lo, OrderEvent.create_time < hi)
    for (house_id,) in db.session.execute(requested):
        sums[house_id]["requested"] += 1
    paid = select(Order.house_id, Payment.amount).join(Order, Order.id == Payment.order_id).where(
        Payment.status == PaymentStatus.SUCCEEDED.value, Payment.paid_at >= lo, Payment.paid_at < hi)
    for house_id, amount in db.session.execute(paid):
        sums[house_id]["paid"] += 1
        sums[house_id]["gmv"] += amount
    refunded = (select(Order.house_id, Refund.amount).join(Payment, Payment.id == Refund.payment_id)
                .join(Order, Order.id == Payment.order_id)
                .where(Refund.status == RefundStatus.SUCCEEDED.value, Refund.update_time >= lo,
                       Refund.update_time < hi))
    for house_id, amount in db.session.execute(refunded):
        sums[house_id]["refunds"] += amount
    for house_id, _area, check_in, nights, subtotal in booked_stays(start, end):
        for index, share in enumerate(night_shares(subtotal, nights)):
            if start <= check_in + timedelta(days=index) <= end:
                sums[house_id]["booked_nights"] += 1
                sums[house_id]["booked_subtotal"] += share
    names = {area["aid"]: area["aname"] for area in list_areas()}
    houses = select(House.id, House.title, House.area_id, House.create_time).where(House.create_time < hi)
    if aid is not None:
        houses = houses.where(House.area_id == aid)
    rows = []
    for house_id, title, area, created in db.session.execute(houses.order_by(House.id)):
        figures = sums.get(house_id, Counter())
        listed_days = (end - max(start, local_day(created))).days + 1
        rows.append([house_id, title, area, names.get(area, ""), figures["requested"], figures["paid"],
                     figures["gmv"], figures["refunds"], figures["booked_nights"],
                     stats.rate(figures["booked_nights"], listed_days),
                     stats.fen_ratio(figures["booked_subtotal"], figures["booked_nights"])])
    return rows

