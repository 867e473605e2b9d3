"""The payments pages: ``/pay/complete`` (Alipay's return URL), and the gateway simulator outside production."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from ihome.orders.views import STATUS_LABELS
from ihome.payments.simulator import gateway as simulator

bp = Blueprint("payments_pages", __name__)


@bp.get("/pay/complete")
def pay_complete():
    """Where Alipay sends the browser back: the page's script verifies the parameters through the API."""
    labels = {status.value: str(label) for status, label in STATUS_LABELS.items()}
    return render_template("payments/complete.html", status_labels=labels)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    simulator.register(app)
