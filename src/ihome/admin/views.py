"""The back office's pages (administrators only): the dashboard and the lists with their actions.

Lists are rendered on the server from the same services as the API (filters live in the URL);
actions and the dashboard's figures go through the JSON API from one small script per page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request
from flask_babel import lazy_gettext as _l

from ihome.admin import audit, browse, payouts, refunds
from ihome.admin.access import is_admin, page_admin_required
from ihome.core.security import current_user_id
from ihome.houses import reference
from ihome.orders.models import OrderStatus

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
MAX_PAGE = 1_000_000
ACTION_NAMES = {
    "house.unlist": _l("Unlisted a house"), "house.relist": _l("Relisted a house"),
    "user.suspend": _l("Suspended a user"), "user.restore": _l("Restored a user"),
    "order.cancel": _l("Cancelled an order"), "order.hide_reviews": _l("Hid a review"),
    "order.show_reviews": _l("Showed a review"), "refund.retry": _l("Retried a refund"),
    "payout.paid": _l("Marked a payout paid"),
}


@bp.context_processor
def _list_helpers() -> dict[str, Any]:
    def query(**changes: Any) -> str:
        """This page's query string with ``changes`` applied (the pager keeps the filters)."""
        values = {key: value for key, value in request.args.items() if value}
        values.update({key: str(value) for key, value in changes.items()})
        return urlencode(values)

    return {"query": query, "action_names": ACTION_NAMES}


def _page() -> int:
    value = request.args.get("p", "1")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_PAGE else 1


def _text(name: str, limit: int = 50) -> str | None:
    value = (request.args.get(name) or "").strip()[:limit]
    return value or None


def _choice(name: str, allowed: list[str]) -> str | None:
    value = request.args.get(name)
    return value if value in allowed else None


def _area() -> int | None:
    value = request.args.get("aid", "")
    return int(value) if value.isdigit() and 0 < int(value) < 10**9 else None


def _render(template: str, **context: Any) -> str:
    return render_template(template, args=request.args, **context)


@bp.get("")
@page_admin_required
def dashboard():
    """Figures, changes against the previous period and charts (drawn by the page's script)."""
    from ihome.core import clock

    return _render("admin/dashboard.html", areas=reference.list_areas(), today=clock.today().isoformat())


@bp.get("/houses")
@page_admin_required
def houses():
    data = browse.list_houses(q=_text("q"), status=_choice("status", ["listed", "unlisted", "host_suspended"]),
                              aid=_area(), page=_page())
    return _render("admin/houses.html", data=data, areas=reference.list_areas())


@bp.get("/users")
@page_admin_required
def users():
    data = browse.list_users(q=_text("q"), status=_choice("status", ["active", "suspended", "admin", "host"]),
                             page=_page())
    return _render("admin/users.html", data=data)


@bp.get("/orders")
@page_admin_required
def orders():
    states = [s.value for s in OrderStatus]
    data = browse.list_orders(q=_text("q"), status=_choice("status", states), aid=_area(), page=_page())
    return _render("admin/orders.html", data=data, areas=reference.list_areas(), states=states)


@bp.get("/refunds")
@page_admin_required
def refund_list():
    data = refunds.list_refunds(status=_choice("status", ["PENDING", "SUCCEEDED", "FAILED"]), page=_page())
    return _render("admin/refunds.html", data=data)


@bp.get("/payouts")
@page_admin_required
def payout_list():
    data = payouts.list_payouts(status=_choice("status", ["pending", "paid"]), page=_page())
    return _render("admin/payouts.html", data=data)


@bp.get("/audit")
@page_admin_required
def audit_log():
    data = audit.list_entries(page=_page(), action=_text("action", 32))
    return _render("admin/audit.html", data=data)


def is_administrator() -> bool:
    """For every template (the /my page links the back office for administrators only)."""
    return is_admin(current_user_id())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["is_administrator"] = is_administrator
