"""The houses pages."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from ihome.houses import reference

bp = Blueprint("houses_pages", __name__)


@bp.get("/")
def home():
    """The home page: districts to start a search from."""
    return render_template("houses/home.html", areas=reference.list_areas())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
