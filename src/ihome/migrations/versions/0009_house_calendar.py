"""house calendar: host blocks, imported iCal feeds and their busy nights, nightly prices, weekend price

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:50:00

``ih_house_block`` holds nights nobody can book: the host's own blocks (``import_id`` null) and the busy
ranges of other sites' calendars (``ih_calendar_import``), half-open ``[start_date, end_date)`` like
orders. ``ih_night_price`` is the host's price for one night. ``ih_house`` gains ``weekend_price`` (Friday
and Saturday nights) and ``ical_token`` (the secret of its calendar.ics export URL).

Columns are added in place on SQLite (a batch rebuild of ih_house would drop the FTS triggers of 0008
and the table other tables' foreign keys point at); the unique token is a unique index, since SQLite
cannot add a UNIQUE column.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("ih_house", sa.Column("weekend_price", sa.BigInteger(), nullable=True))
    op.add_column("ih_house", sa.Column("ical_token", sa.String(64), nullable=True))
    if postgresql:
        op.create_check_constraint(op.f("ck_ih_house_weekend_price_nonnegative"), "ih_house", "weekend_price >= 0")
    op.create_index("ix_house_ical_token", "ih_house", ["ical_token"], unique=True)

    op.create_table(
        "ih_calendar_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("house_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["house_id"], ["ih_house.id"], name=op.f("fk_ih_calendar_import_house_id_ih_house"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ih_calendar_import")),
    )
    op.create_index(op.f("ix_ih_calendar_import_house_id"), "ih_calendar_import", ["house_id"])

    op.create_table(
        "ih_house_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("house_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("source_uid", sa.String(255), nullable=True),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date > start_date", name=op.f("ck_ih_house_block_block_range_valid")),
        sa.ForeignKeyConstraint(["house_id"], ["ih_house.id"], name=op.f("fk_ih_house_block_house_id_ih_house"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["import_id"], ["ih_calendar_import.id"],
                                name=op.f("fk_ih_house_block_import_id_ih_calendar_import"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ih_house_block")),
    )
    op.create_index("ix_house_block_house_dates", "ih_house_block", ["house_id", "start_date", "end_date"])
    op.create_index(op.f("ix_ih_house_block_import_id"), "ih_house_block", ["import_id"])

    op.create_table(
        "ih_night_price",
        sa.Column("house_id", sa.Integer(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_ih_night_price_night_price_nonnegative")),
        sa.ForeignKeyConstraint(["house_id"], ["ih_house.id"], name=op.f("fk_ih_night_price_house_id_ih_house"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("house_id", "night", name=op.f("pk_ih_night_price")),
    )


def downgrade():
    op.drop_table("ih_night_price")
    op.drop_index(op.f("ix_ih_house_block_import_id"), table_name="ih_house_block")
    op.drop_index("ix_house_block_house_dates", table_name="ih_house_block")
    op.drop_table("ih_house_block")
    op.drop_index(op.f("ix_ih_calendar_import_house_id"), table_name="ih_calendar_import")
    op.drop_table("ih_calendar_import")
    op.drop_index("ix_house_ical_token", table_name="ih_house")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_ih_house_weekend_price_nonnegative"), "ih_house", type_="check")
        op.drop_column("ih_house", "ical_token")
        op.drop_column("ih_house", "weekend_price")
    else:  # SQLite ≥ 3.35 drops a column in place (no rebuild)
        op.execute("ALTER TABLE ih_house DROP COLUMN ical_token")
        op.execute("ALTER TABLE ih_house DROP COLUMN weekend_price")
