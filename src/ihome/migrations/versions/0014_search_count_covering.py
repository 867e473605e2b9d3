"""search count: one index holds every house column the dated district count reads; suspended hosts indexed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 23:00:00

Since the visibility rule (0005, 0010: published by the owner, listed by the administrators, the
host not suspended) the count of a dated district search read the table for each of a district's
~5,000 houses: ``ix_house_area_stay`` (area_id, min_days, max_days, id) narrowed the district and
the stay length, but ``published``, ``listed`` and ``user_id`` are only in the rows (a bitmap heap
scan, ~10 ms of the count at 100,000 houses). ``ix_house_area_visible_stay`` holds them too, the
equality columns before the ``min_days`` range: PostgreSQL counts from the index alone (an index-only
scan) and SQLite from a covering index. It replaces ``ix_house_area_stay``, which only search's count
used and whose every use the new index serves (the same leading district). Both databases.

The rule's third part, "the host is not suspended", is a NOT EXISTS on ih_user per house; PostgreSQL
answered it with a scan of every user for the suspended ones (~0.8 ms at 10,000 users, in the count and
in the page query alike, and growing with the users, who outnumber the houses). ``ix_user_suspended`` is
a partial index of the suspended accounts only (a handful), hashed once without reading the table.
PostgreSQL only: SQLite checks the rule per house by the user's rowid, one lookup the index would not
shorten (its plan never chose it).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ["area_id", "published", "listed", "min_days", "max_days", "user_id", "id"]


def upgrade():
    op.create_index("ix_house_area_visible_stay", "ih_house", COLUMNS, unique=False)
    op.drop_index("ix_house_area_stay", table_name="ih_house")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_user_suspended", "ih_user", ["id"], unique=False, postgresql_where=sa.text("NOT is_active"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_user_suspended", table_name="ih_user")
    op.create_index("ix_house_area_stay", "ih_house", ["area_id", "min_days", "max_days", "id"], unique=False)
    op.drop_index("ix_house_area_visible_stay", table_name="ih_house")
