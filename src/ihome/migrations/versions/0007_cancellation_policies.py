"""cancellation policies: the house's policy, and the policy each order was booked under

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:20:00

``ih_house.cancellation_policy`` is what a guest sees before booking; ``ih_order.cancellation_policy``
is copied from the house at booking time, so a later change of the house's policy never touches an
existing booking. Existing rows take ``moderate``, the default.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

POLICY_CHECK = "cancellation_policy IN ('flexible', 'moderate', 'strict')"


def upgrade():
    for table in ("ih_house", "ih_order"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("cancellation_policy", sa.String(16), nullable=False,
                                       server_default="moderate"))
            batch.create_check_constraint(op.f(f"ck_{table}_cancellation_policy_known"), POLICY_CHECK)


def downgrade():
    for table in ("ih_order", "ih_house"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_cancellation_policy_known"), type_="check")
            batch.drop_column("cancellation_policy")
