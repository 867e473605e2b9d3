"""payouts: what each stay earns its host, created at check-in + 1 day, marked paid by an administrator

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:00:00

``ih_payout`` has one row per stay (``order_id`` unique, so the beat job that creates them can run
twice and create nothing new): the order's stored ``host_payout`` in fen, ``pending`` until an
administrator marks it ``paid`` (``paid_at``, ``paid_by``, an optional ``note``). A new table only:
nothing is rebuilt on SQLite.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ih_payout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_ih_payout_payout_amount_nonnegative")),
        sa.ForeignKeyConstraint(["order_id"], ["ih_order.id"], name=op.f("fk_ih_payout_order_id_ih_order")),
        sa.ForeignKeyConstraint(["host_id"], ["ih_user.id"], name=op.f("fk_ih_payout_host_id_ih_user")),
        sa.ForeignKeyConstraint(["paid_by"], ["ih_user.id"], name=op.f("fk_ih_payout_paid_by_ih_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ih_payout")),
        sa.UniqueConstraint("order_id", name=op.f("uq_ih_payout_order_id")),
    )
    op.create_index("ix_payout_host_due", "ih_payout", ["host_id", "due_date"])
    op.create_index("ix_payout_status_due", "ih_payout", ["status", "due_date"])


def downgrade():
    op.drop_index("ix_payout_status_due", table_name="ih_payout")
    op.drop_index("ix_payout_host_due", table_name="ih_payout")
    op.drop_table("ih_payout")
