"""Background jobs of payments: one refund, the refund retry sweep, and the trade query sweep.

Each job commits per item, so one failing payment or refund never holds back the others.
"""

from __future__ import annotations

import logging

from celery import shared_task

from ihome.extensions import db
from ihome.payments import service

log = logging.getLogger(__name__)


@shared_task(name="ihome.payments.refund_payment")
def refund_payment(refund_id: int) -> str:
    """Send one refund to Alipay (queued after the refund row commits)."""
    status = service.process_refund(refund_id=refund_id)
    db.session.commit()
    return status


@shared_task(name="ihome.payments.retry_refunds")
def retry_refunds() -> int:
    """Try every PENDING refund again (a failed call is never lost); returns how many were tried."""
    ids = service.pending_refund_ids()
    db.session.rollback()  # end the read: no transaction stays open across the calls to Alipay
    for refund_id in ids:
        try:
            service.process_refund(refund_id=refund_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("retrying refund %s crashed", refund_id)
    return len(ids)


@shared_task(name="ihome.payments.query_unconfirmed")
def query_unconfirmed() -> int:
    """Ask Alipay about payments started long ago without a notice (a lost notify never leaves an order unpaid)."""
    ids = service.unconfirmed_payment_ids()
    db.session.rollback()
    for payment_id in ids:
        try:
            service.reconcile_payment(payment_id=payment_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("reconciling payment %s crashed", payment_id)
    return len(ids)
