"""The reviews pages: a person's public profile. The host's review and reply forms are a block of the
host's booking list (templates/reviews/_host_order.html, included by orders/my_lorders.html)."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from ihome.reviews import profile

bp = Blueprint("reviews_pages", __name__)


@bp.get("/users/<int:user_id>")
def user_profile(user_id: int):
    """A person's public page: avatar, name, joined, verified badge, listings, response rate, guest reviews."""
    return render_template("reviews/profile.html", person=profile.public_profile(user_id=user_id))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
