"""The search keyword: a case-insensitive substring of a house's title, address or description, Chinese included.

The description joined the indexed text in migration 0010 (its trigram index, and the FTS table's
third column with its triggers).

No full-table scan for keywords of 3 characters or more:

- PostgreSQL: ``title ILIKE '%q%' OR address ILIKE '%q%' OR description ILIKE '%q%'`` answered by the
  trigram GIN indexes ``ix_house_title_trgm`` / ``ix_house_address_trgm`` / ``ix_house_description_trgm``
  (``pg_trgm``, ``gin_trgm_ops``) as a BitmapOr;
  the index only proposes candidates, PostgreSQL rechecks the ILIKE on each, so results are exact.
  (The database's LC_CTYPE must classify CJK as letters, as C.UTF-8 and zh_CN.UTF-8 do; under the
  plain C locale pg_trgm extracts no trigram from Chinese and the search is still right, only slow.)
- SQLite: the FTS5 table ``ih_house_fts`` (``tokenize='trigram'``, external content on ih_house,
  kept in step by triggers) answers a phrase query, which with the trigram tokenizer is exactly a
  case-insensitive substring match inside one column (any of the three).

Keywords of 1 or 2 characters have no trigram, so neither index can narrow them. They fall back to
the same substring test on the house rows (PostgreSQL ILIKE, SQLite LIKE), which is correct but reads
every house the other filters (district index first) leave; the answer is the same, only slower.
Known difference: SQLite's LIKE folds only ASCII letters, so a 1–2 character keyword of non-ASCII
cased letters (Ä, Ω) is matched case-sensitively there and case-insensitively on PostgreSQL; Chinese,
digits and ASCII behave identically.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, bindparam, column, or_, text

from ihome.houses.models import House

MAX_KEYWORD = 50
TRIGRAM = 3
FTS_TABLE = "ih_house_fts"
SEARCHED = (House.title, House.address, House.description)  # the FTS table's columns, in its order
FTS_QUERY = "SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH :keyword_phrase"


def like_pattern(keyword: str) -> str:
    """``%keyword%`` with LIKE's own characters escaped (escape character ``\\``)."""
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(keyword: str) -> str:
    """An FTS5 query string: one phrase, double quotes doubled, so no keyword is query syntax."""
    return '"' + keyword.replace('"', '""') + '"'


def keyword_condition(keyword: str, dialect: str) -> ColumnElement[bool]:
    """Houses whose title, address or description contains ``keyword`` (already stripped, 1–50 characters)."""
    pattern = like_pattern(keyword)
    if dialect == "postgresql":
        return or_(*(searched.ilike(pattern, escape="\\") for searched in SEARCHED))
    if len(keyword) >= TRIGRAM:
        matching = text(FTS_QUERY).bindparams(
            bindparam("keyword_phrase", fts_phrase(keyword))).columns(column("rowid", Integer))
        return House.id.in_(matching)
    # SQLite's LIKE is ASCII case-insensitive already; lower() would be the same and defeat nothing
    return or_(*(searched.like(pattern, escape="\\") for searched in SEARCHED))
