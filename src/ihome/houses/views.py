"""The houses pages: home, search, detail, and a host's listings with the publish/edit form.

Pages render what the services return; every change is submitted by the page's script to the JSON
API. The first search page is rendered on the server (so a reload or a shared link shows results
at once); the script fetches the next pages and applies new filters through the API.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, g, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from ihome.core import clock
from ihome.core.errors import DomainError, Forbidden, Invalid
from ihome.core.page_cache import cached_page
from ihome.core.security import current_user_id, page_login_required
from ihome.houses import calendar, reference, service
from ihome.houses.cache import INDEX, PEOPLE, house_generation
from ihome.houses.ownership import hosts_any_house
from ihome.houses.presenters import money, star_count
from ihome.houses.reference import REFERENCE_GENERATION

bp = Blueprint("houses_pages", __name__)

SORTS = ("new", "booking", "price-inc", "price-des")
YUAN = re.compile(r"[0-9]{1,9}")


@bp.app_template_filter("yuan")
def yuan(fen: int | None) -> str:
    """Fen to yuan with two decimals, for a form's input value: 12345 -> "123.45" (shown prices use ``money``)."""
    return f"{(fen or 0) / 100:.2f}"


bp.add_app_template_filter(money, "money")  # 41600 -> "¥416", 41650 -> "¥416.50": the one display rule


@bp.app_template_filter("stars")
def stars(rating: float | int | None) -> str:
    """A 0–5 rating as five stars, rounded half up (the API's ``stars`` field, by the same rule)."""
    full = star_count(rating)
    return "★" * full + "☆" * (5 - full)


def _facility_index() -> dict[int, dict]:
    return {f["fid"]: f for f in reference.list_facilities()}


def _render_home(**context: Any) -> str:
    today = clock.today()
    return render_template(
        "houses/home.html",
        areas=reference.list_areas(),
        houses=service.list_index_houses(),
        today=today.isoformat(),
        tomorrow=(today + timedelta(days=1)).isoformat(),
        **context,
    )


@bp.get("/")
def home():
    """The home page: a slideshow of the top houses, a district picker and dates, all districts.

    Anonymous visitors get it from the page cache, under the home list's generations (``page_cache``).
    """
    return cached_page("home", _render_home, generations=[INDEX, PEOPLE, REFERENCE_GENERATION])


def _search_args() -> dict:
    """The search filters of the query string, as the page shows them (unvalidated).

    Prices are whole yuan on the page (the API takes fen); facilities are ``fac=1,3`` (the script's
    URL) or repeated ``fac`` checkboxes (the form without script).
    """
    args = request.args
    sort = args.get("sk", "new")
    fac = [part.strip() for value in args.getlist("fac") for part in value.split(",") if part.strip()]
    return {
        "aid": args.get("aid", ""),
        "sd": args.get("sd", ""),
        "ed": args.get("ed", ""),
        "sk": sort if sort in SORTS else "new",
        "guests": args.get("guests", ""),
        "min_price": args.get("min_price", ""),
        "max_price": args.get("max_price", ""),
        "fac": fac,
        "q": args.get("q", ""),
    }


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def stay_args() -> dict[str, str]:
    """The stay a guest chose in search (``sd``, ``ed``, ``guests``) that the house and booking pages carry on.

    Only well-formed values pass (a date ``YYYY-MM-DD``, guests 1–1000); the API judges the rest.
    """
    args, stay = request.args, {}
    for name in ("sd", "ed"):
        value = args.get(name, "")
        if ISO_DATE.fullmatch(value):
            stay[name] = value
    guests = args.get("guests", "")
    if guests.isdigit() and 1 <= int(guests) <= 1000:
        stay["guests"] = str(int(guests))
    return stay


def stay_query(stay: dict[str, str]) -> str:
    """``?sd=…&ed=…&guests=…`` for the links onwards, or ``""``."""
    return ("?" + urlencode(stay)) if stay else ""


def _yuan_to_fen(value: str, errors: list[str]) -> int | None:
    """A whole number of yuan from the page as fen for the service; a bad one adds a message."""
    value = value.strip()
    if not value:
        return None
    if YUAN.fullmatch(value):
        return int(value) * 100
    errors.append(_("Enter a price in yuan, a whole number from 0"))
    return None


def _error_words(error: DomainError) -> str:
    """A domain error as a sentence: the per-field messages when there are some."""
    fields = (error.data or {}).get("fields") if isinstance(error.data, dict) else None
    if fields:
        return " ".join(message for messages in fields.values() for message in messages)
    return str(error.message)


@bp.get("/search")
def search():
    """Search results by district, dates and sort; the first page is rendered here."""
    filters = _search_args()
    result, error = None, None
    price_errors: list[str] = []
    min_price = _yuan_to_fen(filters["min_price"], price_errors)
    max_price = _yuan_to_fen(filters["max_price"], price_errors)
    try:
        if price_errors:
            raise Invalid(_("Some fields are invalid"), fields={"price": price_errors[:1]})
        result = service.search_houses(area_id=filters["aid"], start=filters["sd"], end=filters["ed"],
                                       sort=filters["sk"], page=1, guests=filters["guests"], min_price=min_price,
                                       max_price=max_price, fac=",".join(filters["fac"]), q=filters["q"])
    except Invalid as exc:  # bad filters: say so in words, keep the controls usable
        error = _error_words(exc)
    return render_template(
        "houses/search.html",
        areas=reference.list_areas(),
        facilities=reference.list_facilities(),
        filters=filters,
        result=result,
        error=error,
        stay=stay_query(stay_args()),
        today=clock.today().isoformat(),
        sorts=[("new", _("Newest")), ("booking", _("Most booked")),
               ("price-inc", _("Price: low to high")), ("price-des", _("Price: high to low"))],
    )


def _render_detail(house_id: int, stay: dict[str, str], **context: Any) -> str:
    viewer = current_user_id()
    data = service.get_house_detail(house_id=house_id, viewer_id=viewer if viewer is not None else -1)
    house = data["house"]
    facilities = _facility_index()
    return render_template(
        "houses/detail.html",
        house=house,
        facilities=[facilities[fid] for fid in house.get("facilities", []) if fid in facilities],
        is_owner=viewer is not None and viewer == house["user_id"],
        stay=stay, stay_query=stay_query(stay), today=clock.today(),
        **context,
    )


@bp.get("/houses/<int:house_id>")
def detail(house_id: int):
    """A house: gallery, price, facilities with icons, host, comments, and the book button.

    Anonymous visitors get it from the page cache, per chosen stay, under the detail's generations.
    """
    stay = stay_args()
    return cached_page(f"house:{house_id}:{stay_query(stay)}", _render_detail, house_id=house_id, stay=stay,
                       generations=[house_generation(house_id), PEOPLE, REFERENCE_GENERATION])


def _verified_or_redirect(user_id: int):
    """None for a verified user; else the redirect to the real-name page (hosts must be verified)."""
    from ihome.accounts import service as accounts

    if accounts.get_user(user_id=user_id).real_name_verified:
        return None
    return redirect("/my/auth?next=" + request.path)


@bp.get("/my/houses")
@page_login_required
def my_houses():
    """The logged-in host's listings, newest first."""
    user_id = current_user_id()
    assert user_id is not None  # noqa: S101 - page_login_required guarantees it
    return _verified_or_redirect(user_id) or render_template(
        "houses/my_houses.html", houses=service.list_user_houses(user_id=user_id)
    )


def _form(house: dict | None):
    return render_template(
        "houses/form.html",
        house=house,
        areas=reference.list_areas(),
        facilities=reference.list_facilities(),
        chosen=set(house.get("facilities", [])) if house else set(),
    )


@bp.get("/my/houses/new")
@page_login_required
def new_house():
    """The form to publish a house (verified hosts only)."""
    user_id = current_user_id()
    assert user_id is not None  # noqa: S101
    return _verified_or_redirect(user_id) or _form(None)


@bp.get("/my/houses/<int:house_id>/edit")
@page_login_required
def edit_house(house_id: int):
    """The form to edit a house and add photos; only its owner may open it."""
    user_id = current_user_id()
    assert user_id is not None  # noqa: S101
    house = service.get_house_detail(house_id=house_id, viewer_id=user_id)["house"]
    if house["user_id"] != user_id:
        raise Forbidden(_("This house is not yours"))
    return _form(house)


def viewer_hosts() -> bool:
    """For the navigation: is the logged-in viewer a host (owns at least one house)? Once per request.

    A host is someone with a house, not merely a verified user: "Bookings of my houses" and "My houses"
    are empty for everyone else, who are offered "List your home" instead (verification comes on the way).
    """
    if "ihome_viewer_hosts" not in g:
        viewer = current_user_id()
        try:
            g.ihome_viewer_hosts = viewer is not None and hosts_any_house(user_id=viewer)
        except SQLAlchemyError:  # the 503 page of an unreachable database still renders its navigation
            g.ihome_viewer_hosts = False
    return bool(g.ihome_viewer_hosts)
@bp.get("/my/houses/<int:house_id>/calendar")
@page_login_required
def house_calendar(house_id: int):
    """The owner's month calendar of a house: block and free nights, set their prices (others: 403/404 page)."""
    user_id = current_user_id()
    assert user_id is not None  # noqa: S101
    return render_template("houses/calendar.html", house=calendar.calendar_page(house_id=house_id, user_id=user_id))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["viewer_hosts"] = viewer_hosts
