"""The payments pages: ``/pay/complete`` (Alipay's return URL), a host's ``/my/earnings``, and the gateway
simulator outside production."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

from ihome.core.errors import Invalid
from ihome.core.security import page_login_required, require_user_id
from ihome.orders.views import STATUS_LABELS
from ihome.payments import payouts
from ihome.payments.simulator import gateway as simulator

bp = Blueprint("payments_pages", __name__)


@bp.get("/pay/complete")
def pay_complete():
    """Where Alipay sends the browser back: the page's script verifies the parameters through the API."""
    labels = {status.value: str(label) for status, label in STATUS_LABELS.items()}
    return render_template("payments/complete.html", status_labels=labels)


@bp.get("/my/earnings")
@page_login_required
def my_earnings():
    """A host's payouts by month (pending and paid), each with its stay; ``?month=YYYY-MM`` narrows the list."""
    month = request.args.get("month") or None
    try:
        payouts.parse_month(month)
    except Invalid:
        month = None  # a hand-edited address shows every month rather than an error
    data = payouts.host_earnings(host_id=require_user_id(), month=month)
    return render_template("payments/earnings.html", data=data, month=month)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    simulator.register(app)
