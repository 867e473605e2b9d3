"""The audit log's two operations: append an entry, and read entries newest first (paged)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ihome.accounts.models import User
from ihome.admin.audit_models import AuditEntry
from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.presenters import iso_utc

REASON_MAX = 500
AUDIT_PAGE_SIZE = 20


def clean_reason(reason: str | None, *, required: bool = True) -> str:
    """The reason, stripped; ``Invalid`` (4103, field reason) when required and empty, or too long."""
    reason = (reason or "").strip()
    if required and not reason:
        message = _("Please give a reason")
        raise Invalid(message, fields={"reason": [message]})
    if len(reason) > REASON_MAX:
        message = _("At most %(count)d characters", count=REASON_MAX)
        raise Invalid(message, fields={"reason": [message]})
    return reason


def record(*, admin_id: int, action: str, target_type: str, target_id: int, reason: str) -> None:
    """Append one entry to the audit log in the current transaction (committed with the action)."""
    db.session.add(AuditEntry(admin_id=admin_id, action=action, target_type=target_type, target_id=target_id,
                              reason=reason))


def entry_out(entry: AuditEntry, names: dict[int, str] | None = None) -> dict[str, Any]:
    """An entry as the API shows it; ``target`` reads ``house:7``."""
    return {"audit_id": entry.id, "at": iso_utc(entry.create_time), "admin_id": entry.admin_id,
            "admin_name": (names or {}).get(entry.admin_id, ""),
            "action": entry.action, "target": f"{entry.target_type}:{entry.target_id}",
            "target_type": entry.target_type, "target_id": entry.target_id, "reason": entry.reason}


def list_entries(*, page: int = 1, action: str | None = None) -> dict[str, Any]:
    """``{entries, total, total_page, current_page}``: every administrator action, newest first."""
    conditions = [AuditEntry.action == action] if action else []
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    rows = list(db.session.scalars(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.create_time.desc(), AuditEntry.id.desc())
        .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    ))
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_({r.admin_id for r in rows}))).all())
    return {"entries": [entry_out(row, names) for row in rows], "total": total,
            "total_page": (total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, "current_page": page}
