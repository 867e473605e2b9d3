"""Texts the back office sends (after commit, through the SMS task), in the marketplace's language.

The words of texts about an order are in ``orders/texts.py``, with every other order text."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ihome.accounts.models import User
from ihome.accounts.tasks import send_sms_message
from ihome.core.tasks import send_after_commit
from ihome.extensions import db


def text_user(user_id: int, body: str) -> None:
    """Queue a text to ``user_id``, sent once the transaction commits."""
    user = db.session.get(User, user_id)
    if user is not None:
        send_after_commit(db.session, send_sms_message, user.mobile, body)


def listing_changed_text(*, title: str, listed: bool, reason: str) -> str:
    with force_locale("zh_Hans_CN"):
        if listed:
            return _("iHome: your home %(title)s is listed again.", title=title)
        return _("iHome: your home %(title)s was unlisted by iHome: %(reason)s", title=title, reason=reason)
