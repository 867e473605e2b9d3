"""The favourites page: /my/favorites, the user's hearts as house cards."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from ihome.core.security import page_login_required, require_user_id
from ihome.houses import favorites

bp = Blueprint("favorites_pages", __name__)


@bp.get("/my/favorites")
@page_login_required
def my_favorites():
    """My favourite houses, the newest favourite first."""
    return render_template("houses/favorites.html", houses=favorites.list_favorites(user_id=require_user_id()))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
