"""The host's calendar sync page: /my/houses/<id>/ical (export URL, imported calendars, conflicts)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, render_template

from ihome.core import clock
from ihome.core.security import page_login_required, require_user_id
from ihome.extensions import db
from ihome.houses import ical_service, service

bp = Blueprint("ical_pages", __name__)


@bp.get("/my/houses/<int:house_id>/ical")
@page_login_required
def calendar_sync(house_id: int):
    """The owner's iCal sync settings; changes go through the JSON API (static/js/houses/ical.js)."""
    user_id = require_user_id()
    data = ical_service.ical_overview(house_id=house_id, user_id=user_id)  # 404 / 403 for anyone else
    db.session.commit()  # the export secret, made on the first look
    house = service.get_house_detail(house_id=house_id, viewer_id=user_id)["house"]
    for feed in data["imports"]:  # shown in the marketplace's time, as every date on the site
        synced = feed["last_synced_at"]
        feed["synced_local"] = (datetime.fromisoformat(synced).astimezone(clock.marketplace_zone())
                                .strftime("%Y-%m-%d %H:%M") if synced else None)
    return render_template("houses/ical.html", house=house, ical=data, max_imports=ical_service.MAX_IMPORTS_PER_HOUSE)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
