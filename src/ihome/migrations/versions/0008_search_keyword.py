"""search keyword: trigram indexes on houses' title and address (PostgreSQL), an FTS5 trigram table (SQLite)

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 17:30:00

A keyword is a substring of the title or the address, Chinese included, found without reading the
house table (``ihome.houses.keyword``). PostgreSQL: ``pg_trgm`` and one GIN index per column
(``gin_trgm_ops``), used by ``ILIKE '%q%'``. SQLite: an external-content FTS5 table with the trigram
tokenizer (SQLite >= 3.34), filled from the existing houses and kept in step by three triggers.

Careful with later SQLite batch migrations of ih_house: a batch that *recreates* the table (copy,
drop, rename) drops these triggers; such a migration must recreate them (``create_sqlite_fts``
without the rebuild, or call it and let the rebuild run). Adding a column does not recreate it.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FTS_TRIGGERS = (
    "CREATE TRIGGER ih_house_fts_ai AFTER INSERT ON ih_house BEGIN "
    "INSERT INTO ih_house_fts(rowid, title, address) VALUES (new.id, new.title, new.address); END",
    "CREATE TRIGGER ih_house_fts_ad AFTER DELETE ON ih_house BEGIN "
    "INSERT INTO ih_house_fts(ih_house_fts, rowid, title, address) VALUES ('delete', old.id, old.title, old.address); "
    "END",
    "CREATE TRIGGER ih_house_fts_au AFTER UPDATE OF title, address ON ih_house BEGIN "
    "INSERT INTO ih_house_fts(ih_house_fts, rowid, title, address) VALUES ('delete', old.id, old.title, old.address); "
    "INSERT INTO ih_house_fts(rowid, title, address) VALUES (new.id, new.title, new.address); END",
)


def create_sqlite_fts():
    op.execute(
        "CREATE VIRTUAL TABLE ih_house_fts USING fts5("
        "title, address, content='ih_house', content_rowid='id', tokenize='trigram')"
    )
    for trigger in FTS_TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO ih_house_fts(ih_house_fts) VALUES ('rebuild')")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_house_title_trgm ON ih_house USING gin (title gin_trgm_ops)")
        op.execute("CREATE INDEX ix_house_address_trgm ON ih_house USING gin (address gin_trgm_ops)")
    else:
        create_sqlite_fts()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_house_address_trgm")
        op.execute("DROP INDEX IF EXISTS ix_house_title_trgm")
    else:
        for name in ("ih_house_fts_au", "ih_house_fts_ad", "ih_house_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS ih_house_fts")
