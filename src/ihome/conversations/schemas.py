"""Request and response models of the conversations API."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

TEXT_DOC = "1–1,000 characters (leading and trailing spaces are dropped); stored as written"


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=1000, description=TEXT_DOC)


class StartedOut(BaseModel):
    conversation_id: int = Field(description="the guest's one conversation about this house (reused)")
    message_id: int


class MessageIdOut(BaseModel):
    message_id: int


class PersonOut(BaseModel):
    user_id: int
    name: str
    avatar_url: str | None


class ConversationOut(BaseModel):
    conversation_id: int
    house_id: int
    title: str = Field(description="the house's title")
    other: PersonOut = Field(description="the other participant (the host for a guest, the guest for a host)")
    last_message: str | None = Field(description="the newest message as you may see it (masked like the thread), "
                                                 "or null when there is none yet")
    last_at: str = Field(description="when the newest message was sent (or the conversation started), ISO 8601 UTC")
    unread: int = Field(description="messages from the other side you have not read")


class ConversationListOut(BaseModel):
    conversations: list[ConversationOut]


class UnreadOut(BaseModel):
    unread: int = Field(description="unread messages from others over all your conversations")
    logged_in: bool = Field(description="false for an anonymous visitor (unread is then 0)")


class MessagesQuery(BaseModel):
    after: int = Field(default=0, ge=0, le=2**31 - 1,
                       description="only messages with a larger id (the last one you have); 0 = from the start")


class MessageOut(BaseModel):
    message_id: int
    sender_id: int
    text: str = Field(description="plain text, never HTML: escape it when showing it. Mobile numbers and WeChat "
                                  "ids are starred out for the other side until a booking is paid")
    created_at: str = Field(description="ISO 8601, UTC")
    masked: bool = Field(description="true when contact details in this message were starred out for you")


class MessageListOut(BaseModel):
    messages: list[MessageOut] = Field(description="oldest first, at most 100; ask again with after=the last id")


class NullOut(RootModel[None]):
    """``data`` is null."""
