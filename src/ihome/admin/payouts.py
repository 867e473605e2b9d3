"""Payouts seen by an operator: the list (by status), and marking one paid (audited)."""

from __future__ import annotations

from typing import Any

from ihome.admin import audit
from ihome.payments import payouts
from ihome.payments.models import Payout


def list_payouts(*, status: str | None = None, page: int = 1) -> dict[str, Any]:
    """``{payouts, total, total_page, current_page}``, oldest due first."""
    return payouts.list_payouts(status=status, page=page)


def mark_paid(*, admin_id: int, payout_id: int, reason: str | None) -> Payout:
    """PUT /admin/payouts/{id}/paid: record who paid it and when, and an audit entry; 409 when already paid."""
    cleaned = audit.clean_reason(reason, required=False)
    payout = payouts.mark_paid(admin_id=admin_id, payout_id=payout_id, note=cleaned)
    audit.record(admin_id=admin_id, action="payout.paid", target_type="payout", target_id=payout_id, reason=cleaned)
    return payout
