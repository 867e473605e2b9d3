"""The response model of GET /users/{user_id} (it holds house summaries, so it lives apart from schemas.py)."""

from __future__ import annotations

from pydantic import Field

from ihome.houses.schemas import HostOut, HouseSummaryOut
from ihome.orders.review_schemas import ReviewOut


class ProfileOut(HostOut):
    verified: bool = Field(description="real-name verification done")
    houses: list[HouseSummaryOut] = Field(description="their publicly visible listings, newest first")
    reviews_as_guest: list[ReviewOut] = Field(description="public reviews hosts wrote of them, newest first")
