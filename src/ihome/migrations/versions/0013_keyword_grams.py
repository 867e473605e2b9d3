"""keyword grams: an index for keywords of 1 or 2 characters

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:00:00

A trigram index cannot narrow a keyword shorter than three characters, so until now "望京" read every
house the other filters left. ``ih_house_gram (gram, house_id)`` holds, for each house, every substring
of 2 characters of its title, address and description, and each of those texts' last character (the
1-character substring at position ``length``), ASCII letters folded to lower case. Then:

- a 2-character keyword k is in a text iff k is one of its grams;
- a 1-character keyword c is in a text iff a gram starts with c (c is followed by a character, or c
  ends the text), a range of the primary key.

The rows are kept by triggers on ih_house (insert, and update of the three columns; delete by the
foreign key's cascade, and on SQLite a trigger too), so every writer — the app, raw SQL, the benchmark's
bulk loads — keeps them right. The SQL is the same on both databases: ``substr`` over the positions
1..2000 of ``ih_gram_position`` (the description's limit; title 64, address 512), folded with SQLite's
``lower`` (ASCII only without ICU) and PostgreSQL's ``translate`` of A–Z (the same rule), so both give the
same answers. PostgreSQL's ``gram`` column is ``COLLATE "C"``: the range compares code points, as SQLite's
BINARY does.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

POSITIONS = 2000  # ih_house.description's length; title (64) and address (512) are shorter
COLUMNS = ("title", "address", "description")
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _fold(expression: str, postgresql: bool) -> str:
    if postgresql:
        return f"translate(coalesce({expression}, ''), '{UPPER}', '{UPPER.lower()}')"
    return f"lower(coalesce({expression}, ''))"


def _grams_select(row: str, house_id: str, postgresql: bool, from_rows: str = "") -> str:
    """SELECT (gram, house_id) of every gram of the three texts of ``row`` (a table alias or NEW)."""
    texts = " UNION ALL ".join(f"SELECT {house_id} AS house_id, {_fold(f'{row}.{c}', postgresql)} AS v{from_rows}"
                               for c in COLUMNS)
    return (f"SELECT DISTINCT substr(t.v, p.n, 2), t.house_id FROM ({texts}) AS t "
            "JOIN ih_gram_position AS p ON p.n <= length(t.v)")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table("ih_gram_position", sa.Column("n", sa.Integer(), primary_key=True, autoincrement=False))
    op.bulk_insert(sa.table("ih_gram_position", sa.column("n", sa.Integer())),
                   [{"n": n} for n in range(1, POSITIONS + 1)])
    if postgresql:
        op.execute('CREATE TABLE ih_house_gram (gram varchar(2) COLLATE "C" NOT NULL, house_id integer NOT NULL '
                   "REFERENCES ih_house (id) ON DELETE CASCADE, CONSTRAINT pk_ih_house_gram PRIMARY KEY (gram, house_id))")
        op.execute(f"INSERT INTO ih_house_gram (gram, house_id) {_grams_select('h', 'h.id', True, ' FROM ih_house AS h')}")
        op.execute(f"""CREATE FUNCTION ih_house_gram_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM ih_house_gram WHERE house_id = OLD.id;
  END IF;
  INSERT INTO ih_house_gram (gram, house_id) {_grams_select('NEW', 'NEW.id', True)};
  RETURN NULL;
END $$""")
        op.execute("CREATE TRIGGER ih_house_gram_ai AFTER INSERT ON ih_house FOR EACH ROW "
                   "EXECUTE FUNCTION ih_house_gram_refresh()")
        op.execute("CREATE TRIGGER ih_house_gram_au AFTER UPDATE OF title, address, description ON ih_house "
                   "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.address IS DISTINCT FROM "
                   "NEW.address OR OLD.description IS DISTINCT FROM NEW.description) "
                   "EXECUTE FUNCTION ih_house_gram_refresh()")
    else:
        op.execute("CREATE TABLE ih_house_gram (gram VARCHAR(2) NOT NULL, house_id INTEGER NOT NULL "
                   "REFERENCES ih_house (id) ON DELETE CASCADE, CONSTRAINT pk_ih_house_gram PRIMARY KEY (gram, house_id)"
                   ") WITHOUT ROWID")
        op.execute(f"INSERT INTO ih_house_gram (gram, house_id) {_grams_select('h', 'h.id', False, ' FROM ih_house AS h')}")
        op.execute(f"CREATE TRIGGER ih_house_gram_ai AFTER INSERT ON ih_house BEGIN "
                   f"INSERT INTO ih_house_gram (gram, house_id) {_grams_select('new', 'new.id', False)}; END")
        op.execute(f"CREATE TRIGGER ih_house_gram_au AFTER UPDATE OF title, address, description ON ih_house BEGIN "
                   f"DELETE FROM ih_house_gram WHERE house_id = old.id; "
                   f"INSERT INTO ih_house_gram (gram, house_id) {_grams_select('new', 'new.id', False)}; END")
        op.execute("CREATE TRIGGER ih_house_gram_ad AFTER DELETE ON ih_house BEGIN "
                   "DELETE FROM ih_house_gram WHERE house_id = old.id; END")
    # a house's edit and delete find its grams by house (the key starts with the gram); built after the fill
    op.create_index("ix_house_gram_house", "ih_house_gram", ["house_id"])
    op.execute("ANALYZE ih_house_gram")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ih_house_gram_au ON ih_house")
        op.execute("DROP TRIGGER IF EXISTS ih_house_gram_ai ON ih_house")
        op.execute("DROP FUNCTION IF EXISTS ih_house_gram_refresh()")
    else:
        for name in ("ih_house_gram_ad", "ih_house_gram_au", "ih_house_gram_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE ih_house_gram")
    op.drop_table("ih_gram_position")
