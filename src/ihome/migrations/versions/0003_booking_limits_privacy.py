"""booking limits and privacy: 64-bit money, an order's guests and money parts, one open trade per order,
no mobile number as a name

Revision ID: 0003
Revises: 0002_search_indexes
Create Date: 2026-12-01 16:00:00

- Every money column becomes 64-bit (BIGINT): 22 nights at the highest price overflowed a 32-bit
  ``amount`` on PostgreSQL. SQLite already stores 64-bit integers in any INTEGER column, so there the
  declared types stay: rewriting them means rebuilding the tables (batch mode), and dropping a table
  that other rows reference fails while SQLite enforces foreign keys (it does, on every connection of
  ours) — a real instance with bookings could not upgrade. New columns are plain ``ADD COLUMN``.
- Orders gain ``guests`` and the parts of their money fixed at booking time (``subtotal``,
  ``service_fee``, ``commission``, ``host_payout``). Orders booked before had no fee or commission:
  their subtotal and payout are their amount.
- ``ux_payment_open_per_order``: at most one STARTED payment per order (two concurrent "Pay" clicks
  insert one row). An older duplicate from before is marked CLOSED first (the newest stays open).
- Users whose name is a mainland mobile number get the default name ``用户`` + its last 4 digits
  (a suffix ``-2``, ``-3``… when that name is taken).
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002_search_indexes"  # the revision id of 0002_search_indexes.py
branch_labels = None
depends_on = None

MONEY = {"ih_house": ("price", "deposit"), "ih_order": ("house_price", "amount"),
         "ih_payment": ("amount",), "ih_refund": ("amount",)}
ORDER_MONEY_PARTS = ("subtotal", "service_fee", "commission", "host_payout")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def upgrade():
    _alter_money(sa.Integer(), sa.BigInteger())
    op.add_column("ih_order", sa.Column("guests", sa.Integer(), server_default="1", nullable=False))
    for name in ORDER_MONEY_PARTS:
        op.add_column("ih_order", sa.Column(name, sa.BigInteger(), server_default="0", nullable=False))
    op.execute("UPDATE ih_order SET subtotal = amount, host_payout = amount")
    op.execute(
        "UPDATE ih_payment SET status = 'CLOSED' WHERE status = 'STARTED' AND id NOT IN "
        "(SELECT max_id FROM (SELECT max(id) AS max_id FROM ih_payment WHERE status = 'STARTED' "
        "GROUP BY order_id) AS newest)"
    )
    op.create_index("ux_payment_open_per_order", "ih_payment", ["order_id"], unique=True,
                    sqlite_where=sa.text("status = 'STARTED'"), postgresql_where=sa.text("status = 'STARTED'"))
    _rename_mobile_names()


def downgrade():
    op.drop_index("ux_payment_open_per_order", table_name="ih_payment")
    for name in (*ORDER_MONEY_PARTS, "guests"):
        op.execute(f"ALTER TABLE ih_order DROP COLUMN {name}")  # native on SQLite ≥ 3.35 and PostgreSQL
    _alter_money(sa.BigInteger(), sa.Integer())


def _alter_money(old, new):
    """PostgreSQL only: SQLite's INTEGER is 64-bit already (see the module docstring)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in MONEY.items():
        for column in columns:
            op.alter_column(table, column, existing_type=old, type_=new, existing_nullable=False)


def _rename_mobile_names():
    bind = op.get_bind()
    users = sa.table("ih_user", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("mobile", sa.String))
    rows = bind.execute(sa.select(users.c.id, users.c.name, users.c.mobile).order_by(users.c.id)).all()
    taken = {name for _, name, _ in rows}
    for user_id, name, mobile in rows:
        if not MOBILE.match(name or ""):
            continue
        base = "用户" + (mobile or name)[-4:]
        candidate, suffix = base, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{base}-{suffix}"
        taken.add(candidate)
        bind.execute(users.update().where(users.c.id == user_id).values(name=candidate))
