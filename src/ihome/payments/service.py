"""Payments: start paying, apply verified notices (idempotently), reconcile by trade query, refunds.

The one rule: nothing changes until a notice is proven genuine (RSA2 signature, our app id, a
payment we started, its exact amount). Applying a success is idempotent: the Payment row is locked,
a payment already SUCCEEDED is left alone, and the ``payment_succeeded`` event moves the order (the
orders domain's guarded transition answers it), so ten copies of one notice make one transition.
Money that arrives for an order that can no longer be paid (cancelled by the expiry job, or paid
twice) is recorded and refunded.
Services never commit: the API view or the Celery task does.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any, NoReturn

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from ihome.core import clock
from ihome.core.clock import now
from ihome.core.errors import Conflict, DataError, Forbidden, NotFound, ProviderFailed
from ihome.core.events import payment_succeeded, refund_succeeded
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.integrations.payments import PaymentProviderError, fen_to_yuan, get_payment_gateway, yuan_to_fen
from ihome.orders.models import Order, OrderStatus
from ihome.payments.models import Payment, PaymentStatus, Refund, RefundStatus

log = logging.getLogger(__name__)
PAID_STATUSES = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})
RETURN_PATH = "/pay/complete"
NOTIFY_PATH = "/api/v1.0/payments/alipay/notify"
REFUND_TASK = "ihome.payments.refund_payment"


class NoticeRejected(Exception):
    """A notice that is forged, or does not match a payment we started."""


# ---- starting --------------------------------------------------------------------------------------------

def start_payment(*, order_id: int, user_id: int, mobile: bool) -> str:
    """The URL where the guest pays ``order_id`` (a Payment row is created, or the open one reused)."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(_("No such order"))
    if order.user_id != user_id:
        raise Forbidden(_("Only the guest who booked can pay this order"))
    if order.status != OrderStatus.WAIT_PAYMENT.value:
        raise Conflict(_("Only an accepted order awaiting payment can be paid"))
    if order.start_date < clock.today():
        raise Conflict(_("Check-in has passed: this booking can no longer be paid"))
    payment = _open_payment(order)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    try:  # a missing or unreadable key surfaces here too, as a provider failure
        gateway = get_payment_gateway()
        build = gateway.wap_pay_url if mobile else gateway.page_pay_url
        return build(out_trade_no=payment.out_trade_no, total_amount=fen_to_yuan(payment.amount),
                     subject=_subject(order), return_url=base + RETURN_PATH, notify_url=base + NOTIFY_PATH)
    except (PaymentProviderError, ValueError, OSError) as exc:
        log.error("could not build the pay URL for %s: %s", payment.out_trade_no, type(exc).__name__)
        raise ProviderFailed(_("The payment service is unavailable, please try again later")) from exc


def _open_payment(order: Order) -> Payment:
    """The order's one open (STARTED) trade, created if there is none.

    Reusing the open trade keeps one cashier per order (no accidental double payment). Two "Pay"
    clicks at once both find none and both insert: the partial unique index
    ``ux_payment_open_per_order`` refuses the second row, which then takes the winner's trade.
    """
    def find() -> Payment | None:
        return db.session.execute(
            select(Payment).where(Payment.order_id == order.id, Payment.status == PaymentStatus.STARTED.value)
            .limit(1).execution_options(populate_existing=True)
        ).scalar_one_or_none()

    payment = find()
    if payment is not None:
        return payment
    payment = Payment(order_id=order.id, out_trade_no=f"ih{order.id}-{secrets.token_hex(6)}",
                      amount=order.amount, status=PaymentStatus.STARTED.value)
    try:
        with db.session.begin_nested():  # a refused row rolls back only this savepoint
            db.session.add(payment)
            db.session.flush()
    except IntegrityError:
        winner = find()
        if winner is None:  # the winner's trade was closed meanwhile: nothing open to share
            raise Conflict(_("This order's payment changed meanwhile, please try again")) from None
        return winner
    return payment


def _subject(order: Order) -> str:
    title = order.house.title if order.house is not None else ""
    return f"iHome #{order.id} {title}"[:128].strip()


# ---- verified notices ------------------------------------------------------------------------------------

def handle_notification(*, data: dict[str, Any]) -> bool:
    """Apply Alipay's asynchronous notification; True means answer ``success`` (applied now or before)."""
    try:
        payment, notice = _verified(data, source="notify")
    except NoticeRejected:
        return False
    status = notice.get("trade_status", "")
    if status in PAID_STATUSES:
        _apply_success(payment_id=payment.id, trade_no=notice.get("trade_no"), notice=data, actor="system:alipay")
        return True
    if status == "TRADE_CLOSED":
        _close_if_started(payment.id)
        return True
    if status == "WAIT_BUYER_PAY":
        return True  # nothing to do, and nothing to retry
    log.warning("payment notice refused for out_trade_no=%r: unknown trade_status %r", payment.out_trade_no, status)
    return False


def handle_return(*, params: dict[str, Any]) -> dict[str, Any]:
    """Verify the return redirect's parameters and report the order's state (applies them if they say paid)."""
    try:
        payment, notice = _verified(params, source="return")
    except NoticeRejected as exc:
        raise DataError(_("The payment result could not be verified")) from exc
    if notice.get("trade_status") in PAID_STATUSES:
        _apply_success(payment_id=payment.id, trade_no=notice.get("trade_no"), notice=params,
                       actor="system:alipay")
    # Without trade_status (Alipay's page-pay return never has one) the notify or the trade query decides.
    order = db.session.get(Order, payment.order_id, populate_existing=True)
    assert order is not None
    confirmed = payment.status == PaymentStatus.SUCCEEDED.value
    return {"order_id": order.id, "status": order.status, "paid": confirmed}


def _verified(data: dict[str, Any], *, source: str) -> tuple[Payment, dict[str, str]]:
    """The payment a genuine notice is about, and the notice without its signature; else NoticeRejected."""
    notice = {str(k): str(v) for k, v in data.items()}
    out_trade_no = notice.get("out_trade_no", "")
    signature = notice.pop("sign", "")
    gateway = get_payment_gateway()
    if not signature or not gateway.verify(dict(notice), signature):
        _refuse(source, out_trade_no, "bad signature")
    if notice.get("app_id") != gateway.app_id:
        _refuse(source, out_trade_no, "another app id")
    payment = db.session.execute(select(Payment).where(Payment.out_trade_no == out_trade_no)).scalar_one_or_none()
    if payment is None:
        _refuse(source, out_trade_no, "unknown out_trade_no")
    if yuan_to_fen(notice.get("total_amount", "")) != payment.amount:
        _refuse(source, out_trade_no, "total_amount differs from the payment's")
    return payment, notice


def _refuse(source: str, out_trade_no: str, reason: str) -> NoReturn:
    log.warning("payment %s refused for out_trade_no=%r: %s", source, out_trade_no[:64], reason)
    raise NoticeRejected(reason)


def _lock_payment(payment_id: int) -> Payment:
    """The Payment row, locked until commit, read fresh (a concurrent notice waits here)."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a first write takes the database's write lock, as booking does
        db.session.execute(update(Payment).where(Payment.id == payment_id)
                           .values(update_time=Payment.update_time).execution_options(synchronize_session=False))
    return db.session.execute(
        select(Payment).where(Payment.id == payment_id).options(lazyload("*"))  # no outer join under FOR UPDATE
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def _apply_success(*, payment_id: int, trade_no: str | None, notice: dict[str, Any], actor: str) -> Payment:
    """Record that the money arrived and move the order to PAID, once; refund if the order cannot take it."""
    payment = _lock_payment(payment_id)
    if payment.status == PaymentStatus.SUCCEEDED.value:
        return payment  # already applied: a replayed notice, or the return flow after the notify
    payment.status = PaymentStatus.SUCCEEDED.value
    payment.trade_no = trade_no or None
    payment.notification = dict(notice)
    payment.paid_at = now()
    db.session.flush()
    answers = payment_succeeded.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                                     order_id=payment.order_id, payment_id=payment.id, amount=payment.amount,
                                     actor=actor, out_trade_no=payment.out_trade_no)
    if not any(taken is True for _receiver, taken in answers):  # the order could not be paid any more
        order = db.session.get(Order, payment.order_id, populate_existing=True)
        state = order.status if order is not None else "missing"
        log.warning("payment %s arrived for order %s in %s: refunding it", payment.out_trade_no,
                    payment.order_id, state)
        _create_refund(payment, reason=f"paid while the order was {state}")
    return payment


def _close_if_started(payment_id: int) -> None:
    payment = _lock_payment(payment_id)
    if payment.status == PaymentStatus.STARTED.value:
        payment.status = PaymentStatus.CLOSED.value


# ---- reconciliation by trade query -----------------------------------------------------------------------

def unconfirmed_payment_ids(*, limit: int = 100) -> list[int]:
    """STARTED payments older than IHOME_PAYMENT_QUERY_AFTER_SECONDS, oldest first."""
    cutoff = now() - timedelta(seconds=current_app.config["PAYMENT_QUERY_AFTER_SECONDS"])
    return list(db.session.execute(
        select(Payment.id).where(Payment.status == PaymentStatus.STARTED.value, Payment.create_time < cutoff)
        .order_by(Payment.id).limit(limit)
    ).scalars())


def reconcile_payment(*, payment_id: int) -> str:
    """Ask Alipay about one unconfirmed payment and apply what it says; returns the payment's status."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != PaymentStatus.STARTED.value:
        return payment.status if payment else "missing"
    out_trade_no, amount = payment.out_trade_no, payment.amount
    gateway = get_payment_gateway()
    try:  # no lock is held during the call
        answer = gateway.query(out_trade_no)
    except PaymentProviderError as exc:
        log.warning("trade query for %s failed: %s", out_trade_no, exc)
        return payment.status
    status = answer.get("trade_status", "")
    if answer.get("code") == "10000" and status in PAID_STATUSES:
        if answer.get("out_trade_no") != out_trade_no or yuan_to_fen(answer.get("total_amount", "")) != amount:
            log.warning("trade query for %s answered another trade or amount: ignored", out_trade_no)
            return payment.status
        return _apply_success(payment_id=payment_id, trade_no=answer.get("trade_no"), notice=answer,
                              actor="system:alipay-query").status
    if answer.get("code") == "10000" and status == "TRADE_CLOSED":
        _close_if_started(payment_id)
    elif payment.order.status != OrderStatus.WAIT_PAYMENT.value:
        _close_abandoned(payment_id, out_trade_no)
    return db.session.get(Payment, payment_id, populate_existing=True).status  # type: ignore[union-attr]


def _close_abandoned(payment_id: int, out_trade_no: str) -> None:
    """The order can no longer be paid and the trade is unpaid: close it at Alipay, then here."""
    try:
        answer = get_payment_gateway().close(out_trade_no)
    except PaymentProviderError as exc:
        log.warning("closing trade %s failed: %s", out_trade_no, exc)
        return
    if answer.get("code") == "10000" or answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
        # should money still arrive for it, the notice is applied and refunded like any late payment
        _close_if_started(payment_id)


# ---- refunds -------------------------------------------------------------------------------------------

def refund_cancelled_order(*, order_id: int, reason: str = "cancelled by the guest before check-in",
                           amount: int | None = None) -> list[Refund]:
    """Refund a cancelled PAID order: in full (``amount`` None), or ``amount`` fen (a policy's partial refund).

    The amount is taken from the order's successful payments in order; a payment is refunded at most
    once (its ``out_request_no`` is stable), so calling this again refunds nothing more. 0 refunds nothing.
    """
    payments = db.session.execute(
        select(Payment).where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED.value)
        .order_by(Payment.id)
    ).scalars().all()
    if not payments:
        log.warning("order %s was cancelled as paid but has no successful payment to refund", order_id)
    left = amount
    refunds: list[Refund] = []
    for payment in payments:
        share = payment.amount if left is None else min(left, payment.amount)
        if share <= 0:
            break
        refunds.append(_create_refund(payment, reason=reason, amount=share))
        if left is not None:
            left -= share
    return refunds


def _create_refund(payment: Payment, *, reason: str, amount: int | None = None) -> Refund:
    """A PENDING refund of ``amount`` fen (default all) of ``payment``, one per payment, sent to Alipay after commit."""
    existing = db.session.execute(select(Refund).where(Refund.payment_id == payment.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    # out_request_no is derived from the payment: whoever retries, Alipay refunds it once
    refund = Refund(payment_id=payment.id, out_request_no=f"{payment.out_trade_no}-refund",
                    amount=payment.amount if amount is None else amount,
                    reason=reason[:255], status=RefundStatus.PENDING.value, attempts=0)
    db.session.add(refund)
    db.session.flush()
    # this app's own task object, by name (the task module imports this one; Celery loaded it at app creation)
    send_after_commit(db.session, current_app.extensions["celery"].tasks[REFUND_TASK], refund.id)
    return refund


def pending_refund_ids(*, limit: int = 100) -> list[int]:
    """Refunds still PENDING, oldest first."""
    return list(db.session.execute(
        select(Refund.id).where(Refund.status == RefundStatus.PENDING.value).order_by(Refund.id).limit(limit)
    ).scalars())


def process_refund(*, refund_id: int) -> str:
    """Ask Alipay to refund; SUCCEEDED on success, else PENDING with attempts + 1 (FAILED at the cap)."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.PENDING.value:
        return refund.status if refund else "missing"
    out_trade_no, amount, out_request_no = refund.payment.out_trade_no, refund.amount, refund.out_request_no
    order_id = refund.payment.order_id
    error: str | None = None
    try:
        answer = get_payment_gateway().refund(out_trade_no, fen_to_yuan(amount), out_request_no)
        if answer.get("code") != "10000":
            error = f"{answer.get('code')} {answer.get('sub_code', '')} {answer.get('sub_msg', '')}".strip()
    except PaymentProviderError as exc:
        error = str(exc)
    attempts = refund.attempts + 1
    if error is None:
        values: dict[str, Any] = {"status": RefundStatus.SUCCEEDED.value, "attempts": attempts, "last_error": None}
        log.info("refund %s of %s fen for %s succeeded", out_request_no, amount, out_trade_no)
    elif attempts >= current_app.config["REFUND_MAX_ATTEMPTS"]:
        values = {"status": RefundStatus.FAILED.value, "attempts": attempts, "last_error": error[:500]}
        log.error("refund %s for %s FAILED after %s attempts, an operator must act: %s", out_request_no,
                  out_trade_no, attempts, error)
    else:
        values = {"attempts": attempts, "last_error": error[:500]}
        log.warning("refund %s for %s failed (attempt %s), will retry: %s", out_request_no, out_trade_no,
                    attempts, error)
    # guarded: a concurrent attempt that already finished this refund is not overwritten
    changed = db.session.execute(
        update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.PENDING.value)
        .values(**values, update_time=now()).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed and error is None:  # this attempt finished it: the guest hears of it after commit
        refund_succeeded.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                              order_id=order_id, refund_id=refund_id, amount=amount)
    refreshed = db.session.get(Refund, refund_id, populate_existing=True)
    return refreshed.status if refreshed else "missing"
