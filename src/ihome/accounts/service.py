"""Accounts: registration, login, profile, avatar and real-name verification.

Services take plain values, raise domain errors and never commit: the view (or CLI) commits.
Verification codes live in ``ihome.accounts.codes``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ihome.accounts import codes, idcard, login_limits
from ihome.accounts.models import User
from ihome.core.errors import (
    AlreadyExists,
    DomainError,
    Invalid,
    LoginFailed,
    NotFound,
    PasswordInvalid,
    Unauthorized,
    VerificationRequired,
)
from ihome.core.events import profile_changed
from ihome.core.images import Variant, process_image
from ihome.extensions import db
from ihome.integrations.storage import get_storage, media_url

log = logging.getLogger(__name__)
MIN_PASSWORD = 8
NAME_TRIES = 5  # a default name taken by a concurrent registration is tried again with the next suffix
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
AVATAR = Variant("avatar", 200, 200, crop=True)
# Hashing a password nobody has, so an unknown mobile costs as much time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def _field_error(error_class: type[DomainError], field: str, message: str) -> DomainError:
    """A domain error whose message also shows next to ``field`` in the form."""
    if issubclass(error_class, Invalid):
        return error_class(message, fields={field: [message]})
    return error_class(message, data={"fields": {field: [message]}})


def check_password_rules(password: str, password2: str | None = None) -> None:
    """``PasswordInvalid`` (4106) when the passwords differ or the password is too short."""
    if password2 is not None and password != password2:
        raise _field_error(PasswordInvalid, "password2", _("The two passwords differ"))
    if len(password) < MIN_PASSWORD:
        raise _field_error(PasswordInvalid, "password",
                           _("The password needs at least %(n)s characters", n=MIN_PASSWORD))


def _mobile_taken() -> DomainError:
    return _field_error(AlreadyExists, "mobile", _("This mobile number is already registered, please log in"))


def default_name(mobile: str, *, attempt: int = 1) -> str:
    """``用户`` + the mobile's last 4 digits (``用户8000``), never the mobile; ``用户8000-2``… when taken."""
    base = "用户" + mobile[-4:]
    return base if attempt <= 1 else f"{base}-{attempt}"


def _free_default_name(mobile: str) -> str:
    """The first default name for ``mobile`` that nobody has yet."""
    base = default_name(mobile)
    taken = set(db.session.scalars(select(User.name).where(User.name.like(base + "%"))))
    attempt = 1
    while default_name(mobile, attempt=attempt) in taken:
        attempt += 1
    return default_name(mobile, attempt=attempt)


def _insert_user(*, mobile: str, password_hash: str) -> User:
    """Insert a user with a free default name; ``AlreadyExists`` on mobile when the mobile is taken.

    A savepoint per try: when a concurrent registration of the same mobile (or one that took the same
    default name) commits first, the unique constraint refuses this row and the transaction stays usable.
    """
    for _attempt in range(NAME_TRIES):
        user = User(mobile=mobile, name=_free_default_name(mobile), password_hash=password_hash)
        try:
            with db.session.begin_nested():
                db.session.add(user)
            return user
        except IntegrityError:
            if db.session.query(User.id).filter_by(mobile=mobile).first() is not None:
                raise _mobile_taken() from None
    raise _mobile_taken()


def register_user(*, mobile: str, sms_code: str, password: str, password2: str) -> User:
    """Create a user from a verified mobile; the name starts as ``用户`` + the mobile's last 4 digits."""
    check_password_rules(password, password2)
    codes.spend_sms_code(mobile=mobile, code=sms_code)
    if db.session.query(User.id).filter_by(mobile=mobile).first() is not None:
        raise _mobile_taken()
    return _insert_user(mobile=mobile, password_hash=generate_password_hash(password))


def authenticate(*, mobile: str, password: str, address: str) -> User:
    """The user with this mobile and password; ``LoginFailed`` otherwise, ``RateLimited`` when locked.

    The attempt is counted before the password is checked (``login_limits``), from ``address``.
    """
    attempt = login_limits.count_attempt(mobile=mobile, address=address)
    user = db.session.query(User).filter_by(mobile=mobile).one_or_none()
    if user is None:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = generate_password_hash("not-a-password")
        check_password_hash(_DUMMY_HASH["hash"], password)  # same cost as a wrong password
    if user is None or not check_password_hash(user.password_hash, password):
        raise LoginFailed(_("Wrong mobile number or password"))
    if not user.is_active:
        raise VerificationRequired(_("This account is disabled"))
    login_limits.succeeded(attempt)
    return user


def get_user(*, user_id: int) -> User:
    """The user, or ``NotFound``."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user"))
    return user


def session_info(*, user_id: int) -> dict[str, Any]:
    """``{user_id, name}`` of a logged-in user; ``Unauthorized`` if the account is gone or disabled."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized()
    return {"user_id": user.id, "name": user.name}


def profile(*, user_id: int) -> dict[str, Any]:
    """What ``GET /user`` shows."""
    user = get_user(user_id=user_id)
    return {
        "user_id": user.id,
        "name": user.name,
        "mobile": user.mobile,
        "avatar_url": media_url(user.avatar_key),
        "real_name_verified": user.real_name_verified,
        "create_time": user.create_time.isoformat(),
    }


def rename(*, user_id: int, name: str) -> User:
    """Change the display name; names are unique, and only your own mobile may be your name."""
    user = get_user(user_id=user_id)
    name = name.strip()
    if not 1 <= len(name) <= 32:
        raise _field_error(Invalid, "name", _("The name needs 1 to 32 characters"))
    if MOBILE_PATTERN.match(name):
        # names are public: a mobile number (anyone's, one's own too) is never shown as one
        raise _field_error(Invalid, "name", _("A mobile number cannot be used as a name"))
    if name == user.name:
        return user
    if db.session.query(User.id).filter(User.name == name, User.id != user_id).first() is not None:
        raise _field_error(AlreadyExists, "name", _("This name is taken, please choose another"))
    try:
        with db.session.begin_nested():
            user.name = name
    except IntegrityError:
        raise _field_error(AlreadyExists, "name", _("This name is taken, please choose another")) from None
    _announce_profile(user.id)  # house pages show hosts' and reviewers' names
    return user


def set_avatar(*, user_id: int, data: bytes) -> str:
    """Verify and re-encode the image, store its 200x200 crop, and return the avatar's URL."""
    user = get_user(user_id=user_id)
    config = current_app.config
    (thumbnail,) = process_image(data, field="avatar", max_bytes=config["AVATAR_MAX_MB"] * 1024 * 1024,
                                 max_pixels=config["MAX_AVATAR_PIXELS"], variants=(AVATAR,))
    key = get_storage().save(thumbnail.data, prefix="avatars", extension=thumbnail.extension,
                             content_type=thumbnail.content_type)
    user.avatar_key = key
    _announce_profile(user.id)  # house pages show hosts' avatars
    return media_url(key) or ""


def _announce_profile(user_id: int) -> None:
    """Tell the domains that show people (houses' cached pages) that a public name or avatar changed."""
    profile_changed.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                         session=db.session, user_id=user_id)


def real_name_info(*, user_id: int) -> dict[str, str | None]:
    """``{real_name, id_card}`` with the ID masked, or nulls."""
    user = get_user(user_id=user_id)
    return {"real_name": user.real_name, "id_card": idcard.mask(user.id_card)}


def set_real_name(*, user_id: int, real_name: str, id_card: str) -> None:
    """Record real-name info once; ``AlreadyExists`` if it is already set (it never changes)."""
    real_name = real_name.strip()
    id_card = idcard.normalize(id_card)
    if not 2 <= len(real_name) <= 32:
        raise _field_error(Invalid, "real_name", _("The name needs 2 to 32 characters"))
    wrong = idcard.problem(id_card)
    if wrong == "check_digit":  # 18 characters that look right: say which part is wrong
        raise _field_error(Invalid, "id_card", _("The ID number's check digit is wrong"))
    if wrong == "birth_date":
        raise _field_error(Invalid, "id_card", _("The birth date in this ID number does not exist"))
    if wrong is not None:
        raise _field_error(Invalid, "id_card", _("This is not a valid 18-character ID card number"))
    get_user(user_id=user_id)
    # one atomic UPDATE: two concurrent submissions cannot both set it
    result = db.session.execute(
        update(User)
        .where(User.id == user_id, User.id_card.is_(None))
        .values(real_name=real_name, id_card=id_card)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise AlreadyExists(_("Real-name information is already set and cannot be changed"))
    log.info("user %s set real-name information", user_id)  # never the ID itself


def make_admin(*, mobile: str, password: str) -> User:
    """Create an administrator, or make the existing user with this mobile one (``ihome create-admin``)."""
    # An operator command runs outside any request, so its messages are plain English (no gettext).
    if not MOBILE_PATTERN.match(mobile):
        raise Invalid(f"{mobile!r} is not a mainland China mobile number")
    if len(password) < MIN_PASSWORD:
        raise PasswordInvalid(f"the password needs at least {MIN_PASSWORD} characters")
    user = db.session.query(User).filter_by(mobile=mobile).one_or_none()
    if user is None:
        user = _insert_user(mobile=mobile, password_hash=generate_password_hash(password))
    else:
        user.password_hash = generate_password_hash(password)
    user.is_admin = True
    db.session.commit()  # an operator command: this is its edge
    return user
