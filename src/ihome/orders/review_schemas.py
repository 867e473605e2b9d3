"""The review fields of an order in GET /user/orders and GET /orders/{id}: the orders API declares what
the reviews domain adds to its items (``orders_listed``), so orders never imports reviews."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class ReviewOut(BaseModel):
    rating: int = Field(description="1–5")
    comment: str
    ctime: str = Field(description="when it was written, ISO 8601, UTC")


class GuestReviewSummaryOut(BaseModel):
    user_id: int = Field(description="the guest; their profile is /users/{user_id}")
    count: int = Field(description="public reviews hosts wrote of this guest")
    avg_rating: float | None = Field(description="their average stars (1 decimal), null when count is 0")


class OrderReviewFields(BaseModel):
    """The review fields of an order in GET /user/orders and GET /orders/{id}."""

    host_review: ReviewOut | None = Field(description="the host's review of the guest: always for the host and "
                                                      "administrators, for the guest once the reviews are public")
    reply: str | None = Field(description="the host's public answer to the guest's review, or null")
    reviews_public: bool = Field(description="the stay's reviews are public (both written, or the window closed)")
    review_window_ends: date = Field(description="the last day the host may review the guest (check-out + "
                                                 "IHOME_REVIEW_WINDOW_DAYS)")
    can_review_guest: bool = Field(description="the viewer is the host and PUT /orders/{id}/guest_review would "
                                               "be accepted today")
    can_reply: bool = Field(description="the viewer is the host and PUT /orders/{id}/comment/reply would be "
                                        "accepted")
    guest_reviews: GuestReviewSummaryOut | None = Field(
        default=None, description="landlord list only: the public reviews hosts wrote of this guest")
