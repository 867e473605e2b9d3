"""The audit log: one row per administrator action, written once and never changed.

The table is append-only at every level: the model refuses updates and deletes in the ORM, and
database triggers (SQLite and PostgreSQL, created with the table and by migration 0005) refuse
``UPDATE`` and ``DELETE`` from any client, so not even a hand-written statement can rewrite history.
(Kept apart from ``models.py``, which holds the statistics rollup.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ihome.core.db import Base, UTCDateTime, utcnow

AUDIT_TABLE = "ih_admin_audit"
SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS {AUDIT_TABLE}_no_{verb.lower()} BEFORE {verb} ON {AUDIT_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_GUARDS = [
    "CREATE OR REPLACE FUNCTION ih_admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    f"CREATE TRIGGER {AUDIT_TABLE}_append_only BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ih_admin_audit_append_only()",
]


class AppendOnly(Exception):
    """Someone tried to change or remove an audit entry."""


class AuditEntry(Base):
    """Who (an administrator) did what to which object, why, and when."""

    __tablename__ = AUDIT_TABLE
    __table_args__ = (Index("ix_admin_audit_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("ih_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500), default="")
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise AppendOnly("the audit log is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AppendOnly("the audit log is append-only")


for _statement in SQLITE_GUARDS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_GUARDS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
