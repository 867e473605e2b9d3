"""Districts, facilities, houses and their photos."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ihome.core.db import Base, TimestampMixin


class Area(TimestampMixin, Base):
    """A district of the city (Beijing's 16 are seeded)."""

    __tablename__ = "ih_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(64))


class Facility(TimestampMixin, Base):
    """Something a house offers (Wi-Fi, hot shower, ...); the classic 23 are seeded."""

    __tablename__ = "ih_facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(64))
    icon: Mapped[str | None] = mapped_column(String(32))


house_facility = Table(
    "ih_house_facility",
    Base.metadata,
    Column("house_id", Integer, ForeignKey("ih_house.id", ondelete="CASCADE"), primary_key=True),
    Column("facility_id", Integer, ForeignKey("ih_facility.id"), primary_key=True),
)

# Keywords of 1–2 characters (0013): every 2-character substring of a house's title, address and
# description, and each one's last character, ASCII-folded; kept by triggers on ih_house (ihome.houses.keyword).
house_gram = Table(
    "ih_house_gram",
    Base.metadata,
    Column("gram", String(2), primary_key=True),
    Column("house_id", Integer, ForeignKey("ih_house.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_house_gram_house", "house_id"),  # a house's edit and delete find its grams
)


class House(TimestampMixin, Base):
    """A home a verified host offers. Money in fen; ``max_days`` 0 means no limit."""

    __tablename__ = "ih_house"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_nonnegative"),
        CheckConstraint("deposit >= 0", name="deposit_nonnegative"),
        CheckConstraint("weekend_price >= 0", name="weekend_price_nonnegative").ddl_if(dialect="postgresql"),
        CheckConstraint("min_days >= 1", name="min_days_positive"),
        CheckConstraint("max_days = 0 OR max_days >= min_days", name="max_days_range"),
        CheckConstraint("cancellation_policy IN ('flexible', 'moderate', 'strict')", name="cancellation_policy_known"
                        ).ddl_if(dialect="postgresql"),  # as migration 0007 made it
        # search: by district, newest / most booked / by price
        Index("ix_house_area_created", "area_id", "create_time"),
        Index("ix_house_area_orders", "area_id", "order_count", "id"),  # id: ties (0002)
        Index("ix_house_area_price", "area_id", "price"),
        Index("ix_house_created", "create_time"),
        Index("ix_house_orders", "order_count", "id"),
        Index("ix_house_price", "price"),
        Index("ix_house_ical_token", "ical_token", unique=True),  # the export URL's secret finds its house (0009)
        # search's count: district, visibility flags, stay length and host answered from the index alone (0014)
        Index("ix_house_area_visible_stay", "area_id", "published", "listed", "min_days", "max_days", "user_id", "id"),
        # search keyword (0008): trigram GIN indexes on PostgreSQL; SQLite has the FTS5 table ih_house_fts
        Index("ix_house_title_trgm", "title", postgresql_using="gin",
              postgresql_ops={"title": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_house_address_trgm", "address", postgresql_using="gin",
              postgresql_ops={"address": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_house_description_trgm", "description", postgresql_using="gin",  # (0010)
              postgresql_ops={"description": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("ih_area.id"))
    title: Mapped[str] = mapped_column(String(64))
    price: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, 64-bit
    address: Mapped[str] = mapped_column(String(512), default="")
    room_count: Mapped[int] = mapped_column(Integer, default=1)
    acreage: Mapped[int] = mapped_column(Integer, default=0)
    unit: Mapped[str] = mapped_column(String(32), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    beds: Mapped[str] = mapped_column(String(64), default="")
    deposit: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, 64-bit
    min_days: Mapped[int] = mapped_column(Integer, default=1)
    max_days: Mapped[int] = mapped_column(Integer, default=0)
    # flexible | moderate | strict (ihome.orders.money's refund rules); copied onto each order (0007)
    cancellation_policy: Mapped[str] = mapped_column(String(16), default="moderate", server_default="moderate")
    order_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    index_image_key: Mapped[str | None] = mapped_column(String(255))
    # bumped by every booking of this house: the row lock that serialises bookings
    booking_version: Mapped[int] = mapped_column(Integer, default=0)
    # the administrator's flag: an unlisted house is hidden from everyone but its owner and admins (0005)
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    unlisted_reason: Mapped[str | None] = mapped_column(String(500))
    # the price of Friday and Saturday nights (fen), None: the base price (0009)
    weekend_price: Mapped[int | None] = mapped_column(BigInteger)
    # the secret of the house's calendar.ics export URL; None until the owner first asks for it (0009)
    ical_token: Mapped[str | None] = mapped_column(String(64))
    # what the host tells guests, line breaks kept (0010); the limits are ihome.houses.fields'
    description: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    house_rules: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    check_in_time: Mapped[str] = mapped_column(String(5), default="14:00", server_default="14:00")  # HH:MM
    check_out_time: Mapped[str] = mapped_column(String(5), default="12:00", server_default="12:00")  # HH:MM
    # the owner's flag: an unpublished house is hidden like an unlisted one (ihome.houses.visibility) (0010)
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    owner = relationship("User", lazy="joined")
    area = relationship(Area, lazy="joined")
    facilities = relationship(Facility, secondary=house_facility, lazy="selectin", order_by=Facility.id)
    images = relationship("HouseImage", lazy="selectin", order_by="HouseImage.position",
                          cascade="all, delete-orphan", back_populates="house")

    @property
    def avg_rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class HouseImage(TimestampMixin, Base):
    """One photo of a house, stored in two sizes; ``position`` orders the gallery."""

    __tablename__ = "ih_house_image"
    __table_args__ = (Index("ix_house_image_house_position", "house_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(255))  # detail size
    thumb_key: Mapped[str] = mapped_column(String(255))  # list thumbnail

    house = relationship(House, back_populates="images")
