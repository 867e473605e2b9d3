"""house listing: description, house rules, check-in/out times, the owner's published flag; keyword covers the description

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:00:00

``ih_house`` gains ``description`` (≤ 2,000 characters), ``house_rules`` (≤ 1,000), ``check_in_time`` and
``check_out_time`` (``HH:MM``, 14:00 and 12:00 for existing houses) and ``published`` (the owner's flag,
true for existing houses). Columns are added in place on SQLite (a batch rebuild of ih_house would drop
0008's FTS triggers).

The search keyword now also matches the description (``ihome.houses.keyword``): PostgreSQL gets a third
trigram GIN index; on SQLite the FTS5 table ``ih_house_fts`` and its three triggers are recreated with a
``description`` column and rebuilt from the houses (an FTS5 table cannot gain a column). The downgrade
puts 0008's two-column table back.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TRIGGER_NAMES = ("ih_house_fts_au", "ih_house_fts_ad", "ih_house_fts_ai")


def _fts_statements(columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table over ``columns`` of ih_house, its three triggers, and the rebuild from the houses."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE ih_house_fts USING fts5({names}, content='ih_house', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER ih_house_fts_ai AFTER INSERT ON ih_house BEGIN "
        f"INSERT INTO ih_house_fts(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER ih_house_fts_ad AFTER DELETE ON ih_house BEGIN "
        f"INSERT INTO ih_house_fts(ih_house_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER ih_house_fts_au AFTER UPDATE OF {names} ON ih_house BEGIN "
        f"INSERT INTO ih_house_fts(ih_house_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO ih_house_fts(rowid, {names}) VALUES (new.id, {new}); END",
        "INSERT INTO ih_house_fts(ih_house_fts) VALUES ('rebuild')",
    ]


def _drop_sqlite_fts():
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS ih_house_fts")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("ih_house", sa.Column("description", sa.String(2000), server_default="", nullable=False))
    op.add_column("ih_house", sa.Column("house_rules", sa.String(1000), server_default="", nullable=False))
    op.add_column("ih_house", sa.Column("check_in_time", sa.String(5), server_default="14:00", nullable=False))
    op.add_column("ih_house", sa.Column("check_out_time", sa.String(5), server_default="12:00", nullable=False))
    op.add_column("ih_house", sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False))
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_house_description_trgm ON ih_house USING gin (description gin_trgm_ops)")
    else:
        _drop_sqlite_fts()
        for statement in _fts_statements(("title", "address", "description")):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_house_description_trgm")
        for name in ("published", "check_out_time", "check_in_time", "house_rules", "description"):
            op.drop_column("ih_house", name)
    else:
        _drop_sqlite_fts()  # first: the triggers name the description column
        for name in ("published", "check_out_time", "check_in_time", "house_rules", "description"):
            op.execute(f"ALTER TABLE ih_house DROP COLUMN {name}")  # SQLite ≥ 3.35: in place, no rebuild
        for statement in _fts_statements(("title", "address")):
            op.execute(statement)
