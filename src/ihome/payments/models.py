"""Money in and out: one Payment per attempt to pay an order, one Refund per refund."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ihome.core.db import Base, TimestampMixin, UTCDateTime


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
