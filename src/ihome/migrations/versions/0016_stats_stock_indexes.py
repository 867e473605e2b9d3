"""statistics: the active listings counted from an index; SQLite's booked stays bounded by the longest stay

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 02:00:00

Today's ``active_listings`` count every house the public may see. Both databases read the table for it:
PostgreSQL a parallel scan of every house (~40 ms at 100,000 houses), SQLite every row by
``ix_house_area_created`` (~1 s with its NOT EXISTS on the owner per house). ``ix_house_listed_area_created``
holds the published and listed houses only (nearly all of them) with every column the count reads
(district, creation time, owner, and the two flags, without which SQLite reads each house's row):
PostgreSQL counts them with an index-only scan, SQLite from the covering index. Its WHERE is written as
each database renders ``houses/visibility.py``'s terms (SQLite uses a partial index only for the same terms).

SQLite finds the booked stays with a night in a window through ``ix_order_booked_end`` (end_date, start_date),
but only ``end_date > start`` bounds that scan: every future booked stay (~130,000 at 1,000,000 orders) for a
day's ~2,300. ``ix_order_booked_length`` indexes each booked stay's length in days, so the longest is read
at once and bounds the check-outs too (``end_date <= end + longest``). PostgreSQL keeps its GiST (0015).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BOOKED_SQL = "status IN ('PAID', 'WAIT_COMMENT', 'COMPLETE')"
LISTED_SQL = {"postgresql": "published AND listed", "sqlite": "published = 1 AND listed = 1"}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.execute("CREATE INDEX ix_house_listed_area_created ON ih_house "
               f"(area_id, create_time, user_id, published, listed) WHERE {LISTED_SQL[dialect]}")
    if dialect == "sqlite":
        op.execute("CREATE INDEX ix_order_booked_length ON ih_order (julianday(end_date) - julianday(start_date)) "
                   f"WHERE {BOOKED_SQL}")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_order_booked_length")
    op.execute("DROP INDEX IF EXISTS ix_house_listed_area_created")
