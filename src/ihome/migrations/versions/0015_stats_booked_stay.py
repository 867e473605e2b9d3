"""statistics: booked stays by their range of nights (PostgreSQL GiST), for the live figures of today

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:00:00

Today's booked nights read the booked stays (PAID, WAIT_COMMENT, COMPLETE) with a night in the day. On
PostgreSQL the btree ``ix_order_booked_end (end_date, start_date)`` finds them, but the planner estimates
``end_date > d AND start_date <= d`` as two unrelated conditions: about 150,000 rows for the ~2,000 stays of
a day at 1,000,000 orders. ``ix_order_booked_stay`` indexes ``daterange(start_date, end_date, '[)')``,
and the statistics PostgreSQL keeps for an expression index estimate ``&&`` with a day's range closely, so
the query stays cheap (and below the JIT's cost threshold). SQLite keeps reading ``ix_order_booked_end``.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BOOKED_SQL = "status IN ('PAID', 'WAIT_COMMENT', 'COMPLETE')"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_order_booked_stay ON ih_order USING gist "
                   f"(daterange(start_date, end_date, '[)')) WHERE {BOOKED_SQL}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_order_booked_stay")
