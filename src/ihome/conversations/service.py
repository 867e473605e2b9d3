"""Conversations between a guest and a house's host: start, post, read, list; who may see what.

Services take plain values, raise domain errors and never commit (the view does). The participants
are the conversation's guest and host; administrators may read any thread (read-only, unmasked).
Contact details are masked for the other side until an order of the guest on the house is paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ihome.accounts.models import User
from ihome.accounts.tasks import send_sms_message
from ihome.admin.access import is_admin
from ihome.conversations import limits
from ihome.conversations.masking import mask_contacts
from ihome.conversations.models import Conversation, Message
from ihome.core.db import utcnow
from ihome.core.errors import Forbidden, Invalid, NotFound, RateLimited
from ihome.core.events import order_detail_requested
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.presenters import iso_utc
from ihome.integrations.storage import media_url
from ihome.orders.models import Order, OrderStatus

MAX_ID = 2**31 - 1
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are fine
TEXT_MAX = 1000
PAGE = 100
LIST_MAX = 200
# A booking in one of these states lets both sides see each other's contact details.
CONTACT_STATES = (OrderStatus.PAID.value, OrderStatus.WAIT_COMMENT.value, OrderStatus.COMPLETE.value)


@dataclass(frozen=True)
class Access:
    """How ``user_id`` sees a conversation: ``guest``, ``host`` or ``admin`` (read-only)."""

    conversation: Conversation
    user_id: int
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in ("guest", "host")


# ---- the gate ---------------------------------------------------------------------------------------------

def _get(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id) if 0 < conversation_id <= MAX_ID else None
    if conversation is None:
        raise NotFound(_("No such conversation"))
    return conversation


def readable(*, conversation_id: int, user_id: int) -> Access:
    """The conversation as ``user_id`` may read it; ``Forbidden`` for anyone but its two people and admins."""
    conversation = _get(conversation_id)
    if user_id == conversation.guest_id:
        return Access(conversation, user_id, "guest")
    if user_id == conversation.host_id:
        return Access(conversation, user_id, "host")
    if is_admin(user_id):
        return Access(conversation, user_id, "admin")
    raise Forbidden(_("This conversation is not yours"))


def writable(*, conversation_id: int, user_id: int) -> Access:
    """The conversation for one of its two people; administrators only read."""
    access = readable(conversation_id=conversation_id, user_id=user_id)
    if not access.can_write:
        raise Forbidden(_("Only the guest and the host can write in this conversation"))
    return access


# ---- starting ---------------------------------------------------------------------------------------------

def _existing(guest_id: int, house_id: int) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.guest_id == guest_id,
                                                        Conversation.house_id == house_id))


def _get_or_create(*, guest_id: int, house: House) -> Conversation:
    """The one conversation of this guest and house; two racing requests both end up with the same row."""
    conversation = _existing(guest_id, house.id)
    if conversation is not None:
        return conversation
    try:
        with db.session.begin_nested():
            conversation = Conversation(house_id=house.id, guest_id=guest_id, host_id=house.user_id,
                                        last_message_id=0, guest_read_id=0, host_read_id=0)
            db.session.add(conversation)
    except IntegrityError:  # the other request created it first: use theirs
        conversation = _existing(guest_id, house.id)
        if conversation is None:
            raise
    return conversation


def find_for_house(*, user_id: int, house_id: int) -> Conversation | None:
    """The guest's conversation about this house, if there is one."""
    return _existing(user_id, house_id)


def on_order_detail(_sender: Any, *, guest_id: int, house_id: int, **_kwargs: Any) -> dict[str, Any]:
    """Receiver of ``order_detail_requested``: the ``conversation_id`` of the order's guest and house."""
    conversation = find_for_house(user_id=guest_id, house_id=house_id)
    return {"conversation_id": conversation.id if conversation is not None else None}


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    order_detail_requested.connect(on_order_detail)


def start(*, user_id: int, house_id: int, text: str) -> tuple[Conversation, Message]:
    """Ask a house's host: the guest's conversation about the house (created once, reused) and the message."""
    house = db.session.get(House, house_id) if 0 < house_id <= MAX_ID else None
    if house is None:
        raise NotFound(_("No such house"))
    if house.user_id == user_id:
        raise Forbidden(_("This is your own house"))
    text = _clean(text)
    _count_rate(user_id)
    conversation = _get_or_create(guest_id=user_id, house=house)
    return conversation, _add_message(conversation, user_id, text)


def for_order(*, user_id: int, order_id: int) -> Conversation:
    """The conversation of an order's guest and house, for the guest or the host (created when missing)."""
    order = db.session.get(Order, order_id) if 0 < order_id <= MAX_ID else None
    if order is None:
        raise NotFound(_("No such order"))
    if user_id not in (order.user_id, order.house.user_id):
        raise Forbidden(_("This order is not yours"))
    return _get_or_create(guest_id=order.user_id, house=order.house)


# ---- writing ----------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > TEXT_MAX:
        message = _("A message has 1 to %(max)d characters", max=TEXT_MAX)
        raise Invalid(message, fields={"text": [message]})
    if CONTROL.search(text):  # PostgreSQL refuses NUL in text; the others only hide or garble a message
        message = _("A message cannot contain control characters")
        raise Invalid(message, fields={"text": [message]})
    return text


def _count_rate(user_id: int) -> None:
    limit = int(current_app.config["MESSAGES_PER_MINUTE"])
    count, retry_after = limits.count_message(user_id=user_id)
    if count > limit:
        raise RateLimited(_("At most %(n)d messages a minute, please wait a moment", n=limit),
                          retry_after=retry_after)


def post(*, user_id: int, conversation_id: int, text: str) -> Message:
    """A participant's new message."""
    access = writable(conversation_id=conversation_id, user_id=user_id)
    text = _clean(text)
    _count_rate(user_id)
    return _add_message(access.conversation, user_id, text)


def _add_message(conversation: Conversation, sender_id: int, text: str) -> Message:
    message = Message(conversation_id=conversation.id, sender_id=sender_id, text=text, create_time=utcnow())
    db.session.add(message)
    db.session.flush()
    newer = case((Conversation.last_message_id < message.id, message.id), else_=Conversation.last_message_id)
    own_read = Conversation.guest_read_id if sender_id == conversation.guest_id else Conversation.host_read_id
    db.session.execute(
        update(Conversation).where(Conversation.id == conversation.id)
        .values({Conversation.last_message_id: newer, Conversation.last_at: message.create_time,
                 own_read: case((own_read < message.id, message.id), else_=own_read)})
        .execution_options(synchronize_session=False))
    db.session.expire(conversation)
    _text_recipient(conversation, sender_id)
    return message


def _text_recipient(conversation: Conversation, sender_id: int) -> None:
    """At most one text per conversation and recipient per interval, sent after the commit."""
    recipient_id = conversation.host_id if sender_id == conversation.guest_id else conversation.guest_id
    interval = int(current_app.config["MESSAGE_TEXT_INTERVAL_MINUTES"]) * 60
    if not limits.may_text(conversation_id=conversation.id, recipient_id=recipient_id, interval_seconds=interval):
        return
    recipient, sender = db.session.get(User, recipient_id), db.session.get(User, sender_id)
    if recipient is None or sender is None:
        return
    with force_locale("zh_Hans_CN"):  # texts go out in the marketplace's language
        body = _("iHome: %(name)s sent you a message about %(title)s. Log in to read and reply.",
                 name=sender.name, title=conversation.house.title)
    send_after_commit(db.session, send_sms_message, recipient.mobile, body)


def mark_read(*, user_id: int, conversation_id: int) -> None:
    """Everything in the conversation so far is read by this participant."""
    access = writable(conversation_id=conversation_id, user_id=user_id)
    column = Conversation.guest_read_id if access.role == "guest" else Conversation.host_read_id
    db.session.execute(update(Conversation).where(Conversation.id == conversation_id)
                       .values({column: Conversation.last_message_id})
                       .execution_options(synchronize_session=False))


# ---- reading ----------------------------------------------------------------------------------------------

def contacts_shown(conversation: Conversation) -> bool:
    """Whether the guest holds a paid (or later) booking of the house."""
    return bool(db.session.scalar(select(exists().where(
        Order.user_id == conversation.guest_id, Order.house_id == conversation.house_id,
        Order.status.in_(CONTACT_STATES)))))


def _shown_text(text: str, *, sender_id: int, viewer_id: int, role: str, unmasked: bool) -> tuple[str, bool]:
    if role == "admin" or sender_id == viewer_id or unmasked:
        return text, False
    return mask_contacts(text)


def _present(messages: list[Message], access: Access) -> list[dict[str, Any]]:
    unmasked = access.role == "admin" or contacts_shown(access.conversation)
    shown = []
    for message in messages:
        text, masked = _shown_text(message.text, sender_id=message.sender_id, viewer_id=access.user_id,
                                   role=access.role, unmasked=unmasked)
        shown.append({"message_id": message.id, "sender_id": message.sender_id, "text": text,
                      "created_at": iso_utc(message.create_time), "masked": masked})
    return shown


def messages_after(*, user_id: int, conversation_id: int, after: int = 0) -> list[dict[str, Any]]:
    """Up to 100 messages newer than ``after``, oldest first. Nothing new costs one primary-key read."""
    access = readable(conversation_id=conversation_id, user_id=user_id)
    if after >= access.conversation.last_message_id:
        return []
    rows = db.session.scalars(select(Message).where(Message.conversation_id == conversation_id, Message.id > after)
                              .order_by(Message.id).limit(PAGE))
    return _present(list(rows), access)


def recent_messages(access: Access) -> list[dict[str, Any]]:
    """The newest 100 messages, oldest first (what the thread page shows first)."""
    rows = db.session.scalars(select(Message).where(Message.conversation_id == access.conversation.id)
                              .order_by(Message.id.desc()).limit(PAGE))
    return _present(list(reversed(list(rows))), access)


def _person(user: User) -> dict[str, Any]:
    return {"user_id": user.id, "name": user.name, "avatar_url": media_url(user.avatar_key)}


def thread(access: Access) -> dict[str, Any]:
    """What the thread page shows above the messages: the house, the other person, who the viewer is."""
    conversation = access.conversation
    other = conversation.host if access.role == "guest" else conversation.guest
    return {"conversation_id": conversation.id, "house_id": conversation.house_id,
            "title": conversation.house.title, "other": _person(other), "role": access.role,
            "guest": _person(conversation.guest), "host": _person(conversation.host),
            "can_write": access.can_write, "contacts_shown": contacts_shown(conversation)}


def _read_id_of(user_id: int) -> Any:
    return case((Conversation.guest_id == user_id, Conversation.guest_read_id), else_=Conversation.host_read_id)


def list_for(*, user_id: int) -> list[dict[str, Any]]:
    """The user's conversations (as guest or host), newest message first, with unread counts."""
    last = aliased(Message)
    unread = (select(func.count(Message.id))
              .where(Message.conversation_id == Conversation.id, Message.id > _read_id_of(user_id),
                     Message.sender_id != user_id)
              .correlate(Conversation).scalar_subquery())
    rows = db.session.execute(
        select(Conversation, last, unread)
        .options(joinedload(Conversation.house), joinedload(Conversation.guest), joinedload(Conversation.host))
        .outerjoin(last, last.id == Conversation.last_message_id)
        .where(or_(Conversation.guest_id == user_id, Conversation.host_id == user_id))
        .order_by(Conversation.last_at.desc(), Conversation.id.desc()).limit(LIST_MAX)).unique().all()
    paid = _paid_pairs([conversation for conversation, _last, _unread in rows])
    result = []
    for conversation, message, count in rows:
        other = conversation.host if conversation.guest_id == user_id else conversation.guest
        text = None
        if message is not None:
            text, _masked = _shown_text(message.text, sender_id=message.sender_id, viewer_id=user_id, role="",
                                        unmasked=(conversation.guest_id, conversation.house_id) in paid)
        result.append({"conversation_id": conversation.id, "house_id": conversation.house_id,
                       "title": conversation.house.title, "other": _person(other), "last_message": text,
                       "last_at": iso_utc(conversation.last_at), "unread": int(count)})
    return result


def _paid_pairs(conversations: list[Conversation]) -> set[tuple[int, int]]:
    """(guest, house) pairs among these conversations with a paid booking, in one query."""
    if not conversations:
        return set()
    guests = {c.guest_id for c in conversations}
    houses = {c.house_id for c in conversations}
    rows = db.session.execute(select(Order.user_id, Order.house_id).where(
        Order.user_id.in_(guests), Order.house_id.in_(houses), Order.status.in_(CONTACT_STATES)).distinct())
    return {(row[0], row[1]) for row in rows}


def unread_total(*, user_id: int) -> int:
    """How many messages from others the user has not read, over all conversations (the badge)."""
    return int(db.session.scalar(
        select(func.count(Message.id)).join(Conversation, Conversation.id == Message.conversation_id)
        .where(or_(Conversation.guest_id == user_id, Conversation.host_id == user_id),
               Message.id > _read_id_of(user_id), Message.sender_id != user_id)) or 0)
