"""The payments JSON API under /api/v1.0: start paying, the return flow, Alipay's notify, a host's earnings."""

from __future__ import annotations

import re
from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import Response, request

from ihome.core.responses import ok
from ihome.core.security import csrf_exempt, login_required, require_user_id
from ihome.extensions import db
from ihome.payments import payouts, service, subscribers
from ihome.payments.schemas import EarningsOut, EarningsQuery, PaymentStateOut, PayUrlOut, ReturnParamsIn

bp = APIBlueprint("payments_api", __name__, url_prefix="/api/v1.0", tag="Payments")
MOBILE_AGENT = re.compile(r"Mobile|Android|iPhone|iPad|iPod|HarmonyOS|Windows Phone", re.IGNORECASE)


@bp.post("/orders/<int:order_id>/payment")
@login_required
@bp.output(PayUrlOut)
@bp.doc(summary="Start paying an order",
        description="Guest only, WAIT_PAYMENT only. Returns the provider's pay URL (Alipay's page pay for desktop "
                    "browsers, wap pay for mobile ones) for the order's amount in yuan.",
        responses={401: "not logged in (4101)", 403: "not the order's guest (4105)", 404: "no such order (4002)",
                   409: "the order is not awaiting payment (4004)", 502: "the payment provider failed (4301)"})
def start_payment(order_id: int):
    mobile = bool(MOBILE_AGENT.search(request.headers.get("User-Agent", "")))
    pay_url = service.start_payment(order_id=order_id, user_id=require_user_id(), mobile=mobile)
    db.session.commit()
    return ok({"pay_url": pay_url})


@bp.put("/order/payment")
@bp.input(ReturnParamsIn)
@bp.output(PaymentStateOut)
@bp.doc(summary="Confirm the provider's return redirect",
        description="Send the query parameters the provider appended to the return URL. They are verified "
                    "(signature, app id, trade, amount); the answer is the order's current state. Without "
                    "trade_status (Alipay's return has none) the payment is confirmed by the notify or a trade "
                    "query, never by polling here.",
        responses={400: "bad signature, app id, trade or amount (4004)"})
def confirm_return(json_data: ReturnParamsIn):
    result = service.handle_return(params=json_data.model_dump())
    db.session.commit()
    return ok(result)


NOTIFY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "`success` or `failure`",
          "content": {"text/plain": {"schema": {"type": "string", "enum": ["success", "failure"]}}}},
}


@bp.post("/payments/alipay/notify")
@csrf_exempt
@bp.doc(summary="Alipay's asynchronous notification",
        description="Form-encoded, RSA2-signed by Alipay; no CSRF token (the signature authenticates it). "
                    "Answers the text `success` once the notice is verified and applied (again `success` for a "
                    "repeat); anything else (`failure`) makes Alipay retry.",
        responses=NOTIFY_RESPONSES)
def alipay_notify():
    applied = service.handle_notification(data=request.form.to_dict())
    if applied:
        db.session.commit()
    else:
        db.session.rollback()
    return Response("success" if applied else "failure", mimetype="text/plain")


@bp.get("/user/earnings")
@login_required
@bp.input(EarningsQuery, location="query")
@bp.output(EarningsOut)
@bp.doc(summary="My earnings as a host",
        description="One payout per stay that reached check-in + 1 day (the order's host_payout, fen), pending "
                    "until an administrator marks it paid. `months` sums them per month of the due date, newest "
                    "first; `payouts` lists the month asked for (every payout without `month`).",
        responses={401: "not logged in (4101)", 400: "month is not YYYY-MM (4103)"})
def my_earnings(query_data: EarningsQuery):
    return ok(payouts.host_earnings(host_id=require_user_id(), month=query_data.month))


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
    subscribers.subscribe()
