"""The conversations pages: my messages, a thread (polled while open), and "contact the host" from a house.

Pages render what the services return; sending, reading and polling go through the JSON API from
``static/js/conversations/``.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, redirect, render_template, url_for

from ihome.conversations import service
from ihome.core import clock
from ihome.core.errors import NotFound
from ihome.core.security import page_login_required, require_user_id
from ihome.extensions import db
from ihome.houses.models import House

bp = Blueprint("conversations_pages", __name__)


@bp.app_template_filter("local_time")
def local_time(iso: str) -> str:
    """An ISO 8601 UTC instant as ``YYYY-MM-DD HH:MM`` in the marketplace's time zone."""
    return datetime.fromisoformat(iso).astimezone(clock.marketplace_zone()).strftime("%Y-%m-%d %H:%M")


@bp.get("/my/messages")
@page_login_required
def inbox():
    """My conversations as guest and host, newest first, with unread counts."""
    return render_template("conversations/inbox.html", conversations=service.list_for(user_id=require_user_id()))


@bp.get("/my/messages/<int:conversation_id>")
@page_login_required
def thread(conversation_id: int):
    """One thread: the newest messages, the reply box, and a script that polls for new ones."""
    access = service.readable(conversation_id=conversation_id, user_id=require_user_id())
    messages = service.recent_messages(access)
    return render_template("conversations/thread.html", thread=service.thread(access), messages=messages,
                           me=access.user_id, last_id=messages[-1]["message_id"] if messages else 0)


@bp.get("/houses/<int:house_id>/contact")
@page_login_required
def contact(house_id: int):
    """联系房东: the guest's existing thread about this house, or the form that starts it."""
    user_id = require_user_id()
    house = db.session.get(House, house_id) if 0 < house_id <= service.MAX_ID else None
    if house is None:
        raise NotFound()
    if house.user_id == user_id:  # a host's questions arrive in their messages
        return redirect(url_for("conversations_pages.inbox"))
    existing = service.find_for_house(user_id=user_id, house_id=house_id)
    if existing is not None:
        return redirect(url_for("conversations_pages.thread", conversation_id=existing.id))
    return render_template("conversations/contact.html", house=house)


@bp.get("/orders/<int:order_id>/messages")
@page_login_required
def order_thread(order_id: int):
    """From an order (guest or host): the conversation of its guest and house, opened if it is new."""
    conversation = service.for_order(user_id=require_user_id(), order_id=order_id)
    db.session.commit()
    return redirect(url_for("conversations_pages.thread", conversation_id=conversation.id))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
