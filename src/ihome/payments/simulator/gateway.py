"""The simulated gateway: ``/dev/alipay/gateway`` (cashier and API calls) and ``/dev/alipay/refunds.json``.

Like Alipay's ``gateway.do``, one URL serves everything, told apart by the signed ``method`` parameter:

- ``alipay.trade.page.pay`` / ``alipay.trade.wap.pay`` (the browser): GET shows the cashier page; its
  form POSTs ``decision=pay|cancel|notify-again`` back to the same signed URL.
- ``alipay.trade.query`` / ``alipay.trade.refund`` / ``alipay.trade.close`` (the app's server, by GET
  as python-alipay-sdk sends them, or POST): signed JSON answers.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from ihome.core.clock import now
from ihome.core.security import csrf_exempt
from ihome.integrations.payments import fen_to_yuan, yuan_to_fen
from ihome.payments.simulator import signing, state
from ihome.payments.simulator.keys import KeyPairs, ensure_key_pairs

log = logging.getLogger(__name__)
bp = Blueprint("alipay_simulator", __name__, url_prefix="/dev/alipay")
PAY_METHODS = ("alipay.trade.page.pay", "alipay.trade.wap.pay")
SELLER_ID = "2088000000000001"
NOTIFY_ATTEMPTS = 3


def register(app: Flask) -> None:
    """Serve the simulator (never in production) and make sure its keys exist."""
    if app.config["PRODUCTION"]:
        return
    app.register_blueprint(bp)


def _keys() -> KeyPairs:
    return ensure_key_pairs(Path(current_app.instance_path))


def _timestamp() -> str:
    return now().strftime("%Y-%m-%d %H:%M:%S")


# ---- the one gateway URL --------------------------------------------------------------------------------

@bp.route("/gateway", methods=["GET", "POST"])
@csrf_exempt
def gateway():
    """Authenticate the app's signed request, then serve the method it names."""
    params = {k: v for k, v in request.values.items() if k != "decision"}
    method = params.get("method", "")
    authentic = (params.get("app_id") == current_app.config["ALIPAY_APP_ID"]
                 and signing.verify(signing.unsigned_string(params, drop_sign_type=False),
                                    params.get("sign", ""), _keys().app_public_pem))
    if method in PAY_METHODS:
        if not authentic:
            return _cashier(None, error=_("The payment request's signature is invalid."), status=400)
        return _cashier_request(params)
    if not authentic:
        log.warning("simulator: unauthenticated %s call", method or "unknown")
        body = signing.unsigned_error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错")
        return Response(body, mimetype="application/json")
    biz = json.loads(params.get("biz_content") or "{}")
    handlers = {"alipay.trade.query": _query, "alipay.trade.refund": _refund, "alipay.trade.close": _close}
    handler = handlers.get(method)
    if handler is None:
        return _answer(method or "alipay.unknown", _business_error("ACQ.INVALID_PARAMETER", "unsupported method"))
    return _answer(method, handler(biz))


def _answer(method: str, body: dict[str, Any]) -> Response:
    return Response(signing.signed_response(method, body, _keys().simulator_private_pem),
                    mimetype="application/json")


def _business_error(sub_code: str, sub_msg: str) -> dict[str, Any]:
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}


# ---- the cashier (the buyer's browser) ------------------------------------------------------------------

def _cashier_request(params: dict[str, str]):
    biz = json.loads(params.get("biz_content") or "{}")
    if yuan_to_fen(str(biz.get("total_amount", ""))) is None or not biz.get("out_trade_no"):
        return _cashier(None, error=_("The payment request is missing its order number or amount."), status=400)
    trade = state.open_trade({
        "out_trade_no": biz["out_trade_no"], "total_amount": biz["total_amount"], "subject": biz.get("subject", ""),
        "notify_url": params.get("notify_url", ""), "return_url": params.get("return_url", ""),
        "app_id": params["app_id"], "status": "WAIT_BUYER_PAY", "trade_no": None, "gmt_create": _timestamp(),
        "gmt_payment": None, "refunded": "0.00", "last_notification": None,
    })
    decision = request.form.get("decision") if request.method == "POST" else None
    if decision is None:
        return _cashier(trade)
    if decision == "cancel":
        return _cashier(trade, cancelled=True)
    if decision == "notify-again":
        if trade["last_notification"]:
            _send_notification(trade["notify_url"], trade["last_notification"])
        return _cashier(trade, resent=bool(trade["last_notification"]))
    if decision != "pay":
        return _cashier(trade, error=_("Unknown choice."), status=400)
    if trade["status"] == "TRADE_CLOSED":
        return _cashier(trade, error=_("This trade is closed and cannot be paid."), status=409)
    if trade["status"] == "WAIT_BUYER_PAY":
        trade.update(status="TRADE_SUCCESS", trade_no=_trade_no(), gmt_payment=_timestamp())
        trade["last_notification"] = _notification(trade)
        state.save_trade(trade)
        _send_notification(trade["notify_url"], trade["last_notification"])
    return redirect(_return_url(trade), code=302)


def _cashier(trade: dict[str, Any] | None, *, error: str | None = None, cancelled: bool = False,
             resent: bool = False, status: int = 200):
    merchant = ""
    if trade and trade.get("return_url"):
        parts = urlsplit(trade["return_url"])
        merchant = f"{parts.scheme}://{parts.netloc}/my/orders"
    page = render_template("payments/cashier.html", trade=trade, error=error, cancelled=cancelled, resent=resent,
                           merchant=merchant, action=request.full_path)
    return page, status


def _trade_no() -> str:
    return now().strftime("%Y%m%d") + "2200" + "".join(secrets.choice("0123456789") for _ in range(16))


def _notification(trade: dict[str, Any]) -> dict[str, str]:
    """The signed asynchronous notification Alipay posts to notify_url when a trade is paid."""
    return signing.signed_params({
        "notify_time": _timestamp(), "notify_type": "trade_status_sync", "notify_id": secrets.token_hex(16),
        "charset": "utf-8", "version": "1.0", "app_id": trade["app_id"], "auth_app_id": trade["app_id"],
        "trade_no": trade["trade_no"], "out_trade_no": trade["out_trade_no"], "trade_status": trade["status"],
        "total_amount": trade["total_amount"], "receipt_amount": trade["total_amount"],
        "buyer_pay_amount": trade["total_amount"], "subject": trade["subject"], "buyer_id": "2088102000000000",
        "seller_id": SELLER_ID, "gmt_create": trade["gmt_create"], "gmt_payment": trade["gmt_payment"],
    }, _keys().simulator_private_pem)


def _return_url(trade: dict[str, Any]) -> str:
    """The return URL with Alipay's signed return parameters (which carry no trade_status)."""
    params = signing.signed_params({
        "charset": "utf-8", "method": "alipay.trade.page.pay.return", "version": "1.0", "app_id": trade["app_id"],
        "auth_app_id": trade["app_id"], "out_trade_no": trade["out_trade_no"], "trade_no": trade["trade_no"],
        "total_amount": trade["total_amount"], "seller_id": SELLER_ID, "timestamp": _timestamp(),
    }, _keys().simulator_private_pem)
    separator = "&" if "?" in trade["return_url"] else "?"
    return trade["return_url"] + separator + urlencode(params)


def _send_notification(url: str, data: dict[str, str]) -> None:
    """Post the notification from another thread: the app answering it may be this very process."""
    threading.Thread(target=deliver_notification, args=(url, data), daemon=True).start()


def deliver_notification(url: str, data: dict[str, str]) -> str | None:
    """POST ``data`` form-encoded to ``url`` until it answers ``success`` (a few tries); the last answer."""
    answer = None
    for attempt in range(NOTIFY_ATTEMPTS):
        try:
            response = requests.post(url, data=data, timeout=10)
            answer = response.text.strip()
        except Exception as exc:  # noqa: BLE001 - a thread must not die noisily; Alipay just retries
            answer = None
            log.warning("simulator: notify to %s failed: %s", url, exc)
        if answer == "success":
            return answer
        time.sleep(0.5 * (attempt + 1))
    log.warning("simulator: notify for %s not acknowledged (last answer %r)", data.get("out_trade_no"), answer)
    return answer


# ---- API calls (the app's server) ------------------------------------------------------------------------

def _query(biz: dict[str, Any]) -> dict[str, Any]:
    trade = state.get_trade(str(biz.get("out_trade_no", "")))
    if trade is None:
        return _business_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
    body = {"code": "10000", "msg": "Success", "out_trade_no": trade["out_trade_no"],
            "trade_status": trade["status"], "total_amount": trade["total_amount"]}
    if trade["trade_no"]:
        body.update(trade_no=trade["trade_no"], send_pay_date=trade["gmt_payment"],
                    buyer_pay_amount=trade["total_amount"], buyer_logon_id="buy***@example.com")
    return body


def _refund(biz: dict[str, Any]) -> dict[str, Any]:
    out_trade_no, out_request_no = str(biz.get("out_trade_no", "")), str(biz.get("out_request_no", ""))
    amount = yuan_to_fen(str(biz.get("refund_amount", "")))
    if state.take_refund_failure():
        return {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "ACQ.SYSTEM_ERROR",
                "sub_msg": "系统错误"}
    trade = state.get_trade(out_trade_no)
    if trade is None:
        return _business_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
    if trade["status"] not in ("TRADE_SUCCESS", "TRADE_FINISHED") and trade["refunded"] == "0.00":
        return _business_error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
    refunded, total = yuan_to_fen(trade["refunded"]) or 0, yuan_to_fen(trade["total_amount"]) or 0
    if not out_request_no or amount is None or amount <= 0:
        return _business_error("ACQ.INVALID_PARAMETER", "参数无效")
    granted = False
    if refunded + amount <= total:
        granted = state.record_refund(out_trade_no=out_trade_no, out_request_no=out_request_no,
                                      refund_amount=fen_to_yuan(amount))
    elif not state.refund_granted(out_trade_no=out_trade_no, out_request_no=out_request_no):
        return _business_error("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
    if granted:
        refunded += amount
        trade["refunded"] = fen_to_yuan(refunded)
        if refunded == total:
            trade["status"] = "TRADE_CLOSED"
        state.save_trade(trade)
    return {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no, "trade_no": trade["trade_no"],
            "fund_change": "Y" if granted else "N", "refund_fee": fen_to_yuan(refunded),
            "gmt_refund_pay": _timestamp()}


def _close(biz: dict[str, Any]) -> dict[str, Any]:
    trade = state.get_trade(str(biz.get("out_trade_no", "")))
    if trade is None:
        return _business_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
    if trade["status"] != "WAIT_BUYER_PAY":
        return _business_error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
    trade["status"] = "TRADE_CLOSED"
    state.save_trade(trade)
    return {"code": "10000", "msg": "Success", "out_trade_no": trade["out_trade_no"]}


@bp.get("/refunds.json")
def refunds_json():
    """The refunds granted so far: ``[{out_trade_no, refund_amount, created_at}]`` (yuan, as Alipay writes)."""
    return jsonify(state.refunds())
