"""Background jobs of payments: one refund, the refund retry sweep, the trade query sweep, and payouts.

Each job commits per item, so one failing payment or refund never holds back the others.
"""

from __future__ import annotations

from celery import shared_task

from ihome.core.tasks import one_transaction_each
from ihome.extensions import db
from ihome.payments import payouts, service


@shared_task(name=service.REFUND_TASK)
def refund_payment(refund_id: int) -> str:
    """Send one refund to Alipay (queued after the refund row commits)."""
    status = service.process_refund(refund_id=refund_id)
    db.session.commit()
    return status


@shared_task(name="ihome.payments.retry_refunds")
def retry_refunds() -> int:
    """Try every PENDING refund again (a failed call is never lost); returns how many were tried."""
    ids = service.pending_refund_ids()
    one_transaction_each(ids, lambda refund_id: service.process_refund(refund_id=refund_id), what="refund")
    return len(ids)


@shared_task(name="ihome.payments.query_unconfirmed")
def query_unconfirmed() -> int:
    """Ask Alipay about payments started long ago without a notice (a lost notify never leaves an order unpaid)."""
    ids = service.unconfirmed_payment_ids()
    one_transaction_each(ids, lambda payment_id: service.reconcile_payment(payment_id=payment_id),
                         what="reconciling payment")
    return len(ids)


@shared_task(name="ihome.payments.create_payouts")
def create_payouts() -> int:
    """A payout for every stay whose check-in + 1 day has come and that has none; returns how many were made."""
    made = 0
    for _batch in range(100):  # a backlog goes in batches; a batch that makes nothing ends the run
        ids = payouts.due_order_ids()
        done = one_transaction_each(ids, lambda order_id: payouts.create_payout(order_id=order_id), what="payout")
        made += done
        if not done:
            break
    return made
