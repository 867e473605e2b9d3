"""Money in and out: one Payment per attempt to pay an order, one Refund per refund, one Payout per stay."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ihome.core.db import Base, TimestampMixin, UTCDateTime, utcnow


class PaymentStatus(StrEnum):
    STARTED = "STARTED"  # pay_url handed out, no verified notice yet
    SUCCEEDED = "SUCCEEDED"  # a verified notice or trade query said the money arrived
    CLOSED = "CLOSED"  # the trade was closed without payment


class RefundStatus(StrEnum):
    PENDING = "PENDING"  # recorded, not yet confirmed by the provider (retried by a task)
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # the provider refused for good; needs an operator


class Payment(TimestampMixin, Base):
    __tablename__ = "ih_payment"
    __table_args__ = (
        # at most one open (STARTED) trade per order, whatever races: two "Pay" clicks insert one row (0003)
        Index("ux_payment_open_per_order", "order_id", unique=True,
              sqlite_where=text("status = 'STARTED'"), postgresql_where=text("status = 'STARTED'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ih_order.id"), index=True)
    out_trade_no: Mapped[str] = mapped_column(String(64), unique=True)
    trade_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # fen, 64-bit
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.STARTED.value, index=True)
    notification: Mapped[dict | None] = mapped_column(JSON)  # the raw verified notice
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order = relationship("Order", lazy="joined")


class Refund(TimestampMixin, Base):
    __tablename__ = "ih_refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("ih_payment.id"), index=True)
    out_request_no: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # fen, 64-bit
    reason: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))

    payment = relationship(Payment, lazy="joined")


class PayoutStatus(StrEnum):
    PENDING = "pending"  # owed to the host: the stay reached check-in + 1 day
    PAID = "paid"  # an administrator marked the transfer done


class Payout(Base):
    """What a stay earns its host (the order's stored ``host_payout``), once, from check-in + 1 day (0011)."""

    __tablename__ = "ih_payout"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="payout_amount_nonnegative"),
        Index("ix_payout_host_due", "host_id", "due_date"),
        Index("ix_payout_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ih_order.id"), unique=True)  # one payout per stay, ever
    host_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # fen, 64-bit: the order's host_payout
    status: Mapped[str] = mapped_column(String(16), default=PayoutStatus.PENDING.value)
    due_date: Mapped[date] = mapped_column(Date)  # check-in + 1 day, in the marketplace's time zone
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("ih_user.id"))  # the administrator who marked it
    note: Mapped[str | None] = mapped_column(String(500))

    order = relationship("Order", lazy="joined")
