"""The conversations JSON API under /api/v1.0: ask a host, post, poll, read, list, and the unread badge."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask

from ihome.conversations import service
from ihome.conversations.schemas import (
    ConversationListOut,
    MessageIdOut,
    MessageListOut,
    MessagesQuery,
    NullOut,
    StartedOut,
    TextIn,
    UnreadOut,
)
from ihome.core.responses import ok
from ihome.core.security import current_user_id, login_required, require_user_id
from ihome.extensions import db

bp = APIBlueprint("conversations_api", __name__, url_prefix="/api/v1.0", tag="Conversations")

NOT_LOGGED_IN = "4101: not logged in"
NOT_YOURS = "4105: not one of the conversation's two people (administrators may only read)"
BAD_TEXT = "4103: text empty or longer than 1,000 characters"
TOO_MANY = "4201: more than IHOME_MESSAGES_PER_MINUTE (30) messages a minute; Retry-After says when to retry"


@bp.post("/houses/<int:house_id>/conversation")
@login_required
@bp.input(TextIn)
@bp.output(StartedOut, status_code=201)
@bp.doc(summary="Ask the host", tags=["Conversations"],
        description="Starts the guest's conversation about this house, or reuses it (one per guest and house), "
                    "and posts the first message. The host gets a text (at most one per conversation every "
                    "IHOME_MESSAGE_TEXT_INTERVAL_MINUTES).",
        responses={400: BAD_TEXT, 401: NOT_LOGGED_IN, 403: "4105: your own house", 404: "4002: no such house",
                   429: TOO_MANY})
def start(house_id: int, json_data: TextIn):
    conversation, message = service.start(user_id=require_user_id(), house_id=house_id, text=json_data.text)
    db.session.commit()
    return ok({"conversation_id": conversation.id, "message_id": message.id}, 201)


@bp.get("/conversations")
@login_required
@bp.output(ConversationListOut)
@bp.doc(summary="My conversations", description="As guest and as host, newest message first (at most 200).",
        responses={401: NOT_LOGGED_IN})
def conversations():
    return ok({"conversations": service.list_for(user_id=require_user_id())})


@bp.get("/conversations/unread")
@bp.output(UnreadOut)
@bp.doc(summary="Unread messages",
        description="The count the navigation badge shows; pages fetch it by script, so cached public pages stay "
                    "the same for everyone. Anonymous visitors get {unread: 0, logged_in: false} (not 401: every "
                    "page asks, and a browser logs each failed request).")
def unread():
    user_id = current_user_id()
    if user_id is None:
        return ok({"unread": 0, "logged_in": False})
    return ok({"unread": service.unread_total(user_id=user_id), "logged_in": True})


@bp.get("/conversations/<int:conversation_id>/messages")
@login_required
@bp.input(MessagesQuery, location="query")
@bp.output(MessageListOut)
@bp.doc(summary="Messages of a conversation",
        description="Participants and administrators (who see the stored text). Poll with after=the last "
                    "message id: when nothing is new the answer is an empty list read from one row.",
        responses={400: "4103: bad after", 401: NOT_LOGGED_IN, 403: NOT_YOURS, 404: "4002: no such conversation"})
def messages(conversation_id: int, query_data: MessagesQuery):
    return ok({"messages": service.messages_after(user_id=require_user_id(), conversation_id=conversation_id,
                                                  after=query_data.after)})


@bp.post("/conversations/<int:conversation_id>/messages")
@login_required
@bp.input(TextIn)
@bp.output(MessageIdOut, status_code=201)
@bp.doc(summary="Send a message", description="One of the two participants; the other gets at most one text per "
                                              "IHOME_MESSAGE_TEXT_INTERVAL_MINUTES.",
        responses={400: BAD_TEXT, 401: NOT_LOGGED_IN, 403: NOT_YOURS, 404: "4002: no such conversation",
                   429: TOO_MANY})
def send(conversation_id: int, json_data: TextIn):
    message = service.post(user_id=require_user_id(), conversation_id=conversation_id, text=json_data.text)
    db.session.commit()
    return ok({"message_id": message.id}, 201)


@bp.put("/conversations/<int:conversation_id>/read")
@login_required
@bp.output(NullOut)
@bp.doc(summary="Mark as read", description="Every message of the conversation so far is read by you.",
        responses={401: NOT_LOGGED_IN, 403: NOT_YOURS, 404: "4002: no such conversation"})
def read(conversation_id: int):
    service.mark_read(user_id=require_user_id(), conversation_id=conversation_id)
    db.session.commit()
    return ok(None)


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
    service.subscribe()
