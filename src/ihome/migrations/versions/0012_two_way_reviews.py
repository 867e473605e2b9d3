"""two-way reviews: the host's review of the guest, the host's reply, when a stay's reviews became public

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 19:00:00

The review columns go on ``ih_order`` (one stay, at most one review each way; the guest's review is
already there as ``comment`` / ``rating``): ``comment_time`` (when the guest reviewed),
``host_rating`` / ``host_comment`` / ``host_review_time``, ``reply`` / ``reply_time`` and
``reviews_public_at``. Reviews written before this migration are public at once (they always were):
their ``reviews_public_at`` and ``comment_time`` take the row's ``update_time``.

A partial index finds the stays still blind, for the beat job that publishes them when their review
window closes. Columns are added in place on SQLite (no batch rebuild of ih_order, which other
tables' foreign keys point at); PostgreSQL also checks the host's stars.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = (
    ("comment_time", sa.DateTime(timezone=True)),
    ("host_rating", sa.Integer()),
    ("host_comment", sa.String(500)),
    ("host_review_time", sa.DateTime(timezone=True)),
    ("reply", sa.String(500)),
    ("reply_time", sa.DateTime(timezone=True)),
    ("reviews_public_at", sa.DateTime(timezone=True)),
)
HOST_RATING_CHECK = "host_rating IS NULL OR (host_rating BETWEEN 1 AND 5)"
BLIND = "reviews_public_at IS NULL AND status IN ('WAIT_COMMENT', 'COMPLETE')"


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, type_ in COLUMNS:
        op.add_column("ih_order", sa.Column(name, type_, nullable=True))
    if postgresql:
        op.create_check_constraint(op.f("ck_ih_order_host_rating_range"), "ih_order", HOST_RATING_CHECK)
    op.execute("UPDATE ih_order SET reviews_public_at = update_time, comment_time = update_time "
               "WHERE comment IS NOT NULL")
    op.create_index("ix_order_reviews_blind", "ih_order", ["end_date"],
                    sqlite_where=sa.text(BLIND), postgresql_where=sa.text(BLIND))


def downgrade():
    op.drop_index("ix_order_reviews_blind", table_name="ih_order")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.drop_constraint(op.f("ck_ih_order_host_rating_range"), "ih_order", type_="check")
    for name, _type in reversed(COLUMNS):
        if postgresql:
            op.drop_column("ih_order", name)
        else:  # SQLite ≥ 3.35 drops a column in place (no rebuild)
            op.execute(f"ALTER TABLE ih_order DROP COLUMN {name}")
