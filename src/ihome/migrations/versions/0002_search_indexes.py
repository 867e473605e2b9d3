"""search indexes: active stays by date window (PostgreSQL GiST), district + stay length on houses

Revision ID: 0002_search_indexes
Revises: 0001
Create Date: 2026-11-26 02:00:00

Search counts the houses of a district that no active order overlaps. ``ix_house_area_stay``
answers the district and min/max days from the index alone; on PostgreSQL ``ix_order_active_stay``
finds the active orders overlapping a date window (``daterange && daterange``) without reading
the table, so the busy set is hashed once instead of probing every house of the district.
The "booking" sort's indexes gain the id tie-breaker: many houses share an order count, and
without it the database sorts every house of a count before it can return a page.
A per-house probe (SQLite's count, and the page query on both) reads ``ix_order_active_house_end``:
only the house's active orders that end after the check-in, not its whole history. It exists on
both databases so the model and the migrations agree for autogenerate.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_search_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE_SQL = "'WAIT_ACCEPT', 'WAIT_PAYMENT', 'PAID', 'WAIT_COMMENT', 'COMPLETE'"


def upgrade():
    with op.batch_alter_table("ih_house", schema=None) as batch_op:
        batch_op.create_index("ix_house_area_stay", ["area_id", "min_days", "max_days", "id"], unique=False)
        batch_op.drop_index("ix_house_area_orders")
        batch_op.create_index("ix_house_area_orders", ["area_id", "order_count", "id"], unique=False)
        batch_op.drop_index("ix_house_orders")
        batch_op.create_index("ix_house_orders", ["order_count", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_order_active_stay ON ih_order USING gist "
            "(daterange(start_date, end_date, '[)')) INCLUDE (house_id, start_date, end_date) "
            f"WHERE status IN ({ACTIVE_SQL})"
        )
    op.execute(
        "CREATE INDEX ix_order_active_house_end ON ih_order (house_id, end_date, start_date) "
        f"WHERE status IN ({ACTIVE_SQL})"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_order_active_stay")
    op.execute("DROP INDEX IF EXISTS ix_order_active_house_end")
    with op.batch_alter_table("ih_house", schema=None) as batch_op:
        batch_op.drop_index("ix_house_orders")
        batch_op.create_index("ix_house_orders", ["order_count"], unique=False)
        batch_op.drop_index("ix_house_area_orders")
        batch_op.create_index("ix_house_area_orders", ["area_id", "order_count"], unique=False)
        batch_op.drop_index("ix_house_area_stay")
