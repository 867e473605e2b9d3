"""The accounts pages: register, log in, the account hub, profile, real-name form; the dev outbox."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, redirect, render_template, request

from ihome.accounts import service
from ihome.core.security import current_user_id, page_login_required, require_user_id, safe_next
from ihome.integrations.sms import outbox

bp = Blueprint("accounts_pages", __name__)
dev = Blueprint("accounts_dev", __name__, url_prefix="/dev")


@bp.get("/register")
def register_page():
    """Sign-up: captcha, SMS code with a countdown, password twice; someone logged in goes on to ``?next=``."""
    next_url = safe_next(request.args.get("next"), "/my")
    if current_user_id() is not None:
        return redirect(next_url)
    return render_template("accounts/register.html", next_url=next_url)


@bp.get("/login")
def login():
    """Log in, then return to ``?next=`` when it is a local path."""
    next_url = safe_next(request.args.get("next"), "/my")
    if current_user_id() is not None:
        return redirect(next_url)
    return render_template("accounts/login.html", next_url=next_url)


@bp.get("/my")
@page_login_required
def my_hub():
    """The account hub: avatar, name, mobile, links, log out."""
    return render_template("accounts/my.html", user=service.profile(user_id=require_user_id()))


@bp.get("/my/profile")
@page_login_required
def my_profile():
    """Avatar upload and rename."""
    return render_template("accounts/profile.html", user=service.profile(user_id=require_user_id()))


@bp.get("/my/auth")
@page_login_required
def my_auth():
    """The real-name form, read-only once set; after verifying it goes on to ``?next=`` (local paths only)."""
    next_url = safe_next(request.args.get("next"), "")  # where a host was going (e.g. /my/houses/new)
    return render_template("accounts/auth.html", auth=service.real_name_info(user_id=require_user_id()),
                           next_url=next_url)


@dev.get("/outbox")
def dev_outbox():
    """The SMS messages the console backend would have sent (development and testing only)."""
    return render_template("accounts/outbox.html", messages=outbox())


@dev.get("/outbox.json")
def dev_outbox_json():
    """The same messages as JSON: ``[{mobile, body, created_at}]``, oldest first."""
    return jsonify(outbox())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    if not app.config["PRODUCTION"]:
        app.register_blueprint(dev)
