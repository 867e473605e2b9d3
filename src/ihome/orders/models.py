"""Bookings, their states and the log of every transition."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ihome.core.db import Base, TimestampMixin, UTCDateTime, utcnow
from ihome.orders.review_columns import ReviewColumns


class OrderStatus(StrEnum):
    WAIT_ACCEPT = "WAIT_ACCEPT"
    WAIT_PAYMENT = "WAIT_PAYMENT"
    PAID = "PAID"
    WAIT_COMMENT = "WAIT_COMMENT"
    COMPLETE = "COMPLETE"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"


# The states that hold the house's nights: search, the calendar and the no-overlap rule use these.
ACTIVE_STATUSES: tuple[OrderStatus, ...] = (
    OrderStatus.WAIT_ACCEPT,
    OrderStatus.WAIT_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.WAIT_COMMENT,
    OrderStatus.COMPLETE,
)
_ACTIVE_SQL = ", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES)
_BLIND_SQL = "reviews_public_at IS NULL AND status IN ('WAIT_COMMENT', 'COMPLETE')"


class Order(TimestampMixin, ReviewColumns, Base):
    """A guest's stay [start_date, end_date) in a house; money in fen, computed by the server."""

    __tablename__ = "ih_order"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="stay_not_empty"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
        CheckConstraint("cancellation_policy IN ('flexible', 'moderate', 'strict')", name="cancellation_policy_known"
                        ).ddl_if(dialect="postgresql"),  # as migration 0007 made it
        CheckConstraint("host_rating IS NULL OR (host_rating BETWEEN 1 AND 5)", name="host_rating_range"
                        ).ddl_if(dialect="postgresql"),  # as migration 0012 made it (reviews' columns)
        Index("ix_order_house_dates", "house_id", "start_date", "end_date"),
        Index("ix_order_status_created", "status", "create_time"),
        Index("ix_order_user_created", "user_id", "create_time"),
        # PostgreSQL makes double booking impossible, whatever the application does.
        ExcludeConstraint(
            ("house_id", "="),
            (func.daterange(text("start_date"), text("end_date"), text("'[)'")), "&&"),
            name="ex_order_no_overlap",
            using="gist",
            where=text(f"status IN ({_ACTIVE_SQL})"),
        ).ddl_if(dialect="postgresql"),
        # search: the active orders overlapping a date window, read from the index alone (0002)
        Index("ix_order_active_stay", func.daterange(text("start_date"), text("end_date"), text("'[)'")),
              postgresql_using="gist", postgresql_include=["house_id", "start_date", "end_date"],
              postgresql_where=text(f"status IN ({_ACTIVE_SQL})")).ddl_if(dialect="postgresql"),
        # search's per-house probe: only that house's active orders still running at check-in (0002)
        Index("ix_order_active_house_end", "house_id", "end_date", "start_date",
              sqlite_where=text(f"status IN ({_ACTIVE_SQL})"), postgresql_where=text(f"status IN ({_ACTIVE_SQL})")),
        # the finished stays whose reviews are still blind, for the job that publishes them (0012)
        Index("ix_order_reviews_blind", "end_date", sqlite_where=text(_BLIND_SQL), postgresql_where=text(_BLIND_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"))
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    guests: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # money in fen, 64-bit, fixed at booking time by ihome.orders.money (amount = subtotal + service_fee)
    house_price: Mapped[int] = mapped_column(BigInteger)
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    service_fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    commission: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    host_payout: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    amount: Mapped[int] = mapped_column(BigInteger)
    # the house's cancellation policy when it was booked: later changes of the house never touch it (0007)
    cancellation_policy: Mapped[str] = mapped_column(String(16), default="moderate", server_default="moderate")
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.WAIT_ACCEPT.value)
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    comment: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    # an administrator hid this stay's reviews: not shown, not counted in the house's rating (0005)
    review_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    house = relationship("House", lazy="joined")
    guest = relationship("User", lazy="joined")


class OrderEvent(Base):
    """One applied transition: who moved which order from what to what, and when."""

    __tablename__ = "ih_order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ih_order.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(32))  # "user:<id>" or "system:<job>"
    note: Mapped[str | None] = mapped_column(String(500))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
