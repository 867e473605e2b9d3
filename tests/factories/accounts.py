"""Users in each state: registered, verified host, admin."""

from __future__ import annotations

import functools
import itertools

from werkzeug.security import generate_password_hash

from ihome.accounts.models import User
from ihome.extensions import db

DEFAULT_PASSWORD = "correct-horse-9"
_numbers = itertools.count(1)


@functools.cache
def _hash(password: str) -> str:
    return generate_password_hash(password)


def next_mobile() -> str:
    return f"139{next(_numbers):08d}"


def make_user(*, mobile: str | None = None, name: str | None = None, password: str = DEFAULT_PASSWORD,
              verified: bool = False, admin: bool = False, commit: bool = True) -> User:
    """A user; ``verified`` adds real-name info (a host), ``admin`` an administrator."""
    mobile = mobile or next_mobile()
    # a name like the service's default (never the mobile), unique per mobile: 用户 + the digits after 139
    user = User(mobile=mobile, name=name or f"用户{mobile[3:]}", password_hash=_hash(password), is_admin=admin)
    if verified:
        user.real_name, user.id_card = "张三", "11010519491231002X"
    db.session.add(user)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return user
