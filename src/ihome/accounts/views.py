"""The accounts pages."""

from flask import Blueprint, Flask

bp = Blueprint("accounts_pages", __name__)


def register(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/login")
def login():
    """Placeholder replaced by the accounts pages."""
    return "login"
