"""The back office's pages (administrators only): the dashboard and the lists with their actions.

Lists are rendered on the server from the same services as the API (filters live in the URL);
actions and the dashboard's figures go through the JSON API from one small script per page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request

from ihome.admin import audit, browse, refunds
from ihome.admin.access import page_admin_required
from ihome.houses import reference
from ihome.orders.models import OrderStatus

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
MAX_PAGE = 1_000_000


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
    return _render("admin/dashboard.html", areas=reference.list_areas())


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


@bp.get("/audit")
@page_admin_required
def audit_log():
    data = audit.list_entries(page=_page(), action=_text("action", 32))
    return _render("admin/audit.html", data=data)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
