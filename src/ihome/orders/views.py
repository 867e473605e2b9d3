"""The orders pages."""

from flask import Blueprint, Flask

bp = Blueprint("orders_pages", __name__)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
