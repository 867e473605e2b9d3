"""A conversation per guest and house, and its messages.

``guest_read_id`` / ``host_read_id`` are the newest message id each side has read: a side's unread
messages are the other side's messages with a larger id (read from ``ix_message_conversation_id``).
``last_message_id`` and ``last_at`` let a thread's poll answer "nothing new" from the conversation
row alone, and order the list newest first. ``last_message_id`` has no foreign key on purpose: the
two tables would reference each other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ihome.core.db import Base, UTCDateTime, utcnow


class Conversation(Base):
    """The thread between one guest and the host of one house (one per guest and house)."""

    __tablename__ = "ih_conversation"
    __table_args__ = (
        UniqueConstraint("guest_id", "house_id", name="uq_conversation_guest_house"),
        Index("ix_conversation_guest_last", "guest_id", "last_at"),
        Index("ix_conversation_host_last", "host_id", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("ih_house.id", ondelete="CASCADE"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"))
    host_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"))
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)
    guest_read_id: Mapped[int] = mapped_column(Integer, default=0)
    host_read_id: Mapped[int] = mapped_column(Integer, default=0)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # loaded when used (the list joins them in): a thread's poll reads this row alone
    house = relationship("House")
    guest = relationship("User", foreign_keys=[guest_id])
    host = relationship("User", foreign_keys=[host_id])


class Message(Base):
    """One message; ``text`` is stored as written (masking is applied when it is shown)."""

    __tablename__ = "ih_message"
    __table_args__ = (Index("ix_message_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("ih_conversation.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"))
    text: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
