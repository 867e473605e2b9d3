"""A house's calendar beyond its bookings: nights the host blocked, nights other sites' calendars hold
(imported iCal feeds), and the host's price for particular nights.

Ranges are half-open, like orders: ``[start_date, end_date)`` are the nights held, so a range ending on
the 12th leaves the night of the 12th free. A host block has no ``import_id``; an imported busy range
belongs to its feed and goes with it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ihome.core.db import Base, UTCDateTime, utcnow


class CalendarImport(Base):
    """Another site's calendar (an iCal URL) whose busy nights this house takes as blocked."""

    __tablename__ = "ih_calendar_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # the last fetch that parsed (its ranges are the ones kept), and the error of the last fetch, if it failed
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HouseBlock(Base):
    """Nights ``[start_date, end_date)`` nobody can book: blocked by the host, or busy on an imported calendar."""

    __tablename__ = "ih_house_block"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="block_range_valid"),
        # booking's and search's overlap tests: a house's ranges by start (as ix_order_house_dates)
        Index("ix_house_block_house_dates", "house_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # None: the host's own block; else the feed it came from (deleted with it)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("ih_calendar_import.id", ondelete="CASCADE"),
                                                  index=True)
    # an imported event's UID, to tell the host which event of the other site a conflict is
    source_uid: Mapped[str | None] = mapped_column(String(255))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NightPrice(Base):
    """The host's price for one night, overriding the weekend and the base price (fen, 64-bit)."""

    __tablename__ = "ih_night_price"
    __table_args__ = (CheckConstraint("price >= 0", name="night_price_nonnegative"),)

    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"), primary_key=True)
    night: Mapped[date] = mapped_column(Date, primary_key=True)
    price: Mapped[int] = mapped_column(BigInteger)


__all__ = ["CalendarImport", "HouseBlock", "NightPrice"]
