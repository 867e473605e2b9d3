"""The daily statistics rollup: every additive figure of one day in one district.

One row per (day, district) for every district, plus district 0 for what belongs to no district
(new users, searches of every district) and district -1 for the whole marketplace (the sum of the
others), so a rolled-up day always has rows and the dashboard reads one row a day. Ratios and averages
are never stored: they are derived from these sums, so a day read from here and the same day
computed live give the same numbers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, func, text
from sqlalchemy.orm import Mapped, mapped_column

from ihome.accounts.models import User
from ihome.core.db import Base
from ihome.houses.models import House
from ihome.orders.models import Order, OrderEvent
from ihome.payments.models import Payment, Refund

# The additive figures, in the order of the table's columns (and of the daily CSV's sums).
FIGURES: tuple[str, ...] = (
    "requested", "accepted", "rejected", "expired", "expired_unanswered", "cancelled_by_guest",
    "cancelled_by_host", "cancelled_after_accept", "paid", "completed",
    "gmv", "refunds", "revenue_paid", "revenue_refunded",
    "booked_nights", "booked_subtotal", "active_listings", "lead_days_sum", "stay_nights_sum",
    "new_users", "new_hosts", "new_listings", "rating_sum", "rating_count", "searches", "detail_views",
)


class DailyStat(Base):
    """The sums of one marketplace day (``day``, in IHOME_TIMEZONE) in one district (0 none, -1 all)."""

    __tablename__ = "ih_stats_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    requested: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    expired: Mapped[int] = mapped_column(Integer, default=0)
    expired_unanswered: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_by_guest: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_by_host: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_after_accept: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    gmv: Mapped[int] = mapped_column(BigInteger, default=0)
    refunds: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    booked_nights: Mapped[int] = mapped_column(Integer, default=0)
    booked_subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    active_listings: Mapped[int] = mapped_column(Integer, default=0)
    lead_days_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    stay_nights_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    new_users: Mapped[int] = mapped_column(Integer, default=0)
    new_hosts: Mapped[int] = mapped_column(Integer, default=0)
    new_listings: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    detail_views: Mapped[int] = mapped_column(Integer, default=0)


# What a day's live figures are read by (migration 0004): the event log, payments and refunds by time.
Index("ix_order_event_time", OrderEvent.create_time)
Index("ix_payment_paid_at", Payment.paid_at)
Index("ix_refund_status_time", Refund.status, Refund.update_time)
Index("ix_user_create_time", User.create_time)
# booked stays with a night in a window (the live figures of today and future days): SQLite reads the
# btree, PostgreSQL the GiST of the stay's range (migration 0015), whose statistics estimate a day's few stays
BOOKED_SQL = "status IN ('PAID', 'WAIT_COMMENT', 'COMPLETE')"
Index("ix_order_booked_end", Order.end_date, Order.start_date,
      sqlite_where=text(BOOKED_SQL), postgresql_where=text(BOOKED_SQL))
Index("ix_order_booked_stay", func.daterange(text("start_date"), text("end_date"), text("'[)'")),
      postgresql_using="gist", postgresql_where=text(BOOKED_SQL)).ddl_if(dialect="postgresql")
# SQLite: the longest booked stay, which bounds the scan of ix_order_booked_end by check-out (migration 0016)
Index("ix_order_booked_length", func.julianday(Order.end_date) - func.julianday(Order.start_date),
      sqlite_where=text(BOOKED_SQL)).ddl_if(dialect="sqlite")
# today's active listings: every published and listed house, counted from the index alone (migration 0016);
# the WHERE as each database renders ihome.houses.visibility's terms (SQLite matches a partial index by them),
# the flags also as columns, without which SQLite reads each house's row
Index("ix_house_listed_area_created", House.area_id, House.create_time, House.user_id, House.published,
      House.listed, sqlite_where=text("published = 1 AND listed = 1"), postgresql_where=text("published AND listed"))
