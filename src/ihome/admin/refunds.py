"""Refunds seen by an operator: the list (by status), and a retry of one that failed or is stuck."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ihome.admin import audit
from ihome.core.clock import now
from ihome.core.errors import Conflict, NotFound
from ihome.core.tasks import send_after_commit
from ihome.extensions import db
from ihome.houses.fields import MAX_ID
from ihome.houses.presenters import iso_utc
from ihome.payments.models import Payment, Refund, RefundStatus

PAGE_SIZE = 20


def refund_out(refund: Refund) -> dict[str, Any]:
    return {"refund_id": refund.id, "order_id": refund.payment.order_id, "amount": refund.amount,
            "status": refund.status, "attempts": refund.attempts, "last_error": refund.last_error,
            "reason": refund.reason, "out_request_no": refund.out_request_no,
            "created_at": iso_utc(refund.create_time)}


def list_refunds(*, status: str | None = None, page: int = 1) -> dict[str, Any]:
    """``{refunds, total, total_page, current_page}``, newest first; ``status`` filters."""
    conditions = [Refund.status == status] if status else []
    total = db.session.scalar(select(func.count(Refund.id)).where(*conditions)) or 0
    rows = db.session.scalars(select(Refund).join(Payment, Payment.id == Refund.payment_id).where(*conditions)
                              .order_by(Refund.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return {"refunds": [refund_out(row) for row in rows], "total": total,
            "total_page": (total + PAGE_SIZE - 1) // PAGE_SIZE, "current_page": page}


def retry_refund(*, admin_id: int, refund_id: int, reason: str | None) -> Refund:
    """A FAILED (or still PENDING) refund goes back to PENDING and is sent to the provider again after commit."""
    refund = db.session.get(Refund, refund_id) if 0 < refund_id <= MAX_ID else None
    if refund is None:
        raise NotFound(_("No such refund"))
    if refund.status == RefundStatus.SUCCEEDED.value:
        raise Conflict(_("This refund has already succeeded"))
    cleaned = audit.clean_reason(reason, required=False)
    db.session.execute(update(Refund).where(Refund.id == refund.id, Refund.status != RefundStatus.SUCCEEDED.value)
                       .values(status=RefundStatus.PENDING.value, update_time=now())
                       .execution_options(synchronize_session=False))
    from ihome.payments import tasks  # noqa: F401 - declares the task

    send_after_commit(db.session, current_app.extensions["celery"].tasks["ihome.payments.refund_payment"], refund.id)
    audit.record(admin_id=admin_id, action="refund.retry", target_type="refund", target_id=refund.id, reason=cleaned)
    db.session.expire(refund)
    return refund
