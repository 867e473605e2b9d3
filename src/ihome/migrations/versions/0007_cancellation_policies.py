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
TABLES = ("ih_house", "ih_order")


def upgrade():
    # a plain ADD COLUMN on both databases: on SQLite a batch rebuild of ih_house would drop a table that
    # other tables' foreign keys point at; PostgreSQL also checks the value (the services always do)
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        op.add_column(table, sa.Column("cancellation_policy", sa.String(16), nullable=False,
                                       server_default="moderate"))
        if postgresql:
            op.create_check_constraint(op.f(f"ck_{table}_cancellation_policy_known"), table, POLICY_CHECK)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in reversed(TABLES):
        if postgresql:
            op.drop_constraint(op.f(f"ck_{table}_cancellation_policy_known"), table, type_="check")
            op.drop_column(table, "cancellation_policy")
        else:  # SQLite ≥ 3.35 drops a column in place (no rebuild)
            op.execute(f"ALTER TABLE {table} DROP COLUMN cancellation_policy")
