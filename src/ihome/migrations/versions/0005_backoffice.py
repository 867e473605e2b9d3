"""back office: account suspension, administrator listing flag, hidden reviews, append-only audit log

Revision ID: 0005
Revises: 0002_search_indexes
Create Date: 2026-12-01 16:00:00

``ih_user.is_active`` already exists (0001); suspension adds its reason. ``ih_house.listed`` is the
administrator's flag (an unlisted house leaves search, the home list and public detail).
``ih_order.review_hidden`` hides a stay's reviews. ``ih_admin_audit`` gets triggers that refuse
UPDATE and DELETE on both databases.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS ih_admin_audit_no_{verb.lower()} BEFORE {verb} ON ih_admin_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_GUARDS = [
    "CREATE OR REPLACE FUNCTION ih_admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER ih_admin_audit_append_only BEFORE UPDATE OR DELETE ON ih_admin_audit "
    "FOR EACH ROW EXECUTE FUNCTION ih_admin_audit_append_only()",
]


def upgrade():
    with op.batch_alter_table("ih_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspended_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("ih_house", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("unlisted_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("ih_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "ih_admin_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["admin_id"], ["ih_user.id"], name=op.f("fk_ih_admin_audit_admin_id_ih_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ih_admin_audit")),
    )
    with op.batch_alter_table("ih_admin_audit", schema=None) as batch_op:
        batch_op.create_index("ix_admin_audit_target", ["target_type", "target_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ih_admin_audit_admin_id"), ["admin_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ih_admin_audit_create_time"), ["create_time"], unique=False)
    guards = POSTGRESQL_GUARDS if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ih_admin_audit_append_only ON ih_admin_audit")
        op.execute("DROP FUNCTION IF EXISTS ih_admin_audit_append_only()")
    op.drop_table("ih_admin_audit")
    with op.batch_alter_table("ih_order", schema=None) as batch_op:
        batch_op.drop_column("review_hidden")
    with op.batch_alter_table("ih_house", schema=None) as batch_op:
        batch_op.drop_column("unlisted_reason")
        batch_op.drop_column("listed")
    with op.batch_alter_table("ih_user", schema=None) as batch_op:
        batch_op.drop_column("suspended_reason")
