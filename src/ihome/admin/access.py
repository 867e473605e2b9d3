"""Who may enter the back office: administrators only, checked on every request (API and pages)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ihome.accounts.models import User
from ihome.core.errors import Forbidden
from ihome.core.security import current_user_id, login_required, page_login_required
from ihome.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def is_admin(user_id: int | None) -> bool:
    if user_id is None:
        return False
    user = db.session.get(User, user_id)
    return bool(user is not None and user.is_admin)


def _require_admin(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_admin(current_user_id()):
            raise Forbidden()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """For API views: 401/4101 anonymous, 403/4105 anyone but an administrator."""
    return login_required(_require_admin(view))


def page_admin_required(view: F) -> F:
    """For pages: anonymous visitors go to the login page; other users get the 403 page."""
    return page_login_required(_require_admin(view))
