"""People: guests and hosts are the same users; a host is a user with real-name info."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from ihome.core.db import Base, TimestampMixin


class User(TimestampMixin, Base):
    __tablename__ = "ih_user"
    __table_args__ = (
        # the suspended accounts (a few): PostgreSQL's anti-join of the visibility rule reads this, not the
        # table; SQLite probes each host by rowid and has no use for it (0014)
        Index("ix_user_suspended", "id", postgresql_where=text("NOT is_active")).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    avatar_key: Mapped[str | None] = mapped_column(String(255))
    real_name: Mapped[str | None] = mapped_column(String(32))
    id_card: Mapped[str | None] = mapped_column(String(18))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # why an administrator suspended the account (is_active false); null when active (0005)
    suspended_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def real_name_verified(self) -> bool:
        return bool(self.real_name and self.id_card)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name}>"
