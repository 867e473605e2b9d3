"""Request models of the reviews API (its output parts are declared where they are shown: the order's
review fields in ``orders.review_schemas``, the host card in ``houses.schemas``, the profile in
``profile_schemas``)."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from ihome.core.schema_types import Text


class CommentIn(BaseModel):
    comment: Text = Field(min_length=1, max_length=500, description="the guest's review, 1–500 characters")
    rating: int = Field(ge=1, le=5, description="1 to 5 stars")


class GuestReviewIn(BaseModel):
    rating: int = Field(ge=1, le=5, description="1 to 5 stars for the guest")
    comment: Text = Field(min_length=1, max_length=500, description="the host's review of the guest, 1–500 characters")


class ReplyIn(BaseModel):
    reply: Text = Field(min_length=1, max_length=500, description="the host's answer to the guest's review, 1–500 "
                                                                  "characters")


class NullOut(RootModel[None]):
    """``data`` is null."""
