"""The review columns of a stay (ihome.reviews' data), kept on its order row (``ih_order``, migration 0012).

A stay has at most one review each way, so they live on the stay's own row: publishing both reviews
is one guarded ``UPDATE ih_order ... WHERE reviews_public_at IS NULL`` on the row that also holds the
guest's review (``Order.comment`` / ``Order.rating``), and the house's public comments are read
without a join. The orders model mixes these columns in; the rules about them are ihome.reviews'.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ihome.core.db import UTCDateTime

TEXT_MAX = 500


class ReviewColumns:
    """The columns ``ihome.reviews`` owns on ``ih_order`` (the guest's rating and comment predate them)."""

    # when the guest reviewed the house (Order.comment / Order.rating)
    comment_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the host's review of the guest: 1–5 stars and 1–500 characters, once, within the review window
    host_rating: Mapped[int | None] = mapped_column(Integer)
    host_comment: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    host_review_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the host's answer under the guest's review, once it is public
    reply: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    reply_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when this stay's reviews became public (both written, or the review window closed); null: still blind
    reviews_public_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
