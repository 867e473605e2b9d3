"""statistics: the daily rollup per (day, district), and the indexes its live figures read (events, payments,
refunds and users by time; booked stays by date)

Revision ID: 0004
Revises: 0002_search_indexes
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BOOKED_SQL = "status IN ('PAID', 'WAIT_COMMENT', 'COMPLETE')"
COUNTS = ("requested", "accepted", "rejected", "expired", "expired_unanswered", "cancelled_by_guest",
          "cancelled_by_host", "cancelled_after_accept", "paid", "completed")
MONEY = ("gmv", "refunds", "revenue_paid", "revenue_refunded")
OTHERS = (("booked_nights", sa.Integer), ("booked_subtotal", sa.BigInteger), ("active_listings", sa.Integer),
          ("lead_days_sum", sa.BigInteger), ("stay_nights_sum", sa.BigInteger), ("new_users", sa.Integer),
          ("new_hosts", sa.Integer), ("new_listings", sa.Integer), ("rating_sum", sa.Integer),
          ("rating_count", sa.Integer), ("searches", sa.Integer), ("detail_views", sa.Integer))


def upgrade():
    columns = [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS]
    columns += [sa.Column(name, sa.BigInteger(), nullable=False) for name in MONEY]
    columns += [sa.Column(name, kind(), nullable=False) for name, kind in OTHERS]
    op.create_table(
        "ih_stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("day", "area_id", name=op.f("pk_ih_stats_daily")),
    )
    with op.batch_alter_table("ih_order_event", schema=None) as batch_op:
        batch_op.create_index("ix_order_event_time", ["create_time"], unique=False)
    with op.batch_alter_table("ih_payment", schema=None) as batch_op:
        batch_op.create_index("ix_payment_paid_at", ["paid_at"], unique=False)
    with op.batch_alter_table("ih_refund", schema=None) as batch_op:
        batch_op.create_index("ix_refund_status_time", ["status", "update_time"], unique=False)
    with op.batch_alter_table("ih_user", schema=None) as batch_op:
        batch_op.create_index("ix_user_create_time", ["create_time"], unique=False)
    op.execute(f"CREATE INDEX ix_order_booked_end ON ih_order (end_date, start_date) WHERE {BOOKED_SQL}")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_order_booked_end")
    with op.batch_alter_table("ih_user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_create_time")
    with op.batch_alter_table("ih_refund", schema=None) as batch_op:
        batch_op.drop_index("ix_refund_status_time")
    with op.batch_alter_table("ih_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_paid_at")
    with op.batch_alter_table("ih_order_event", schema=None) as batch_op:
        batch_op.drop_index("ix_order_event_time")
    op.drop_table("ih_stats_daily")
