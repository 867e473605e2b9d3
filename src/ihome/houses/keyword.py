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

Keywords of 1 or 2 characters have no trigram, so neither index can narrow them. They are answered
on both databases by ``ih_house_gram`` (migration 0013): every 2-character substring of each house's
title, address and description, and each text's last character, kept by triggers on ih_house. A
2-character keyword is one of a text's grams exactly when the text contains it; a 1-character keyword c
is in a text exactly when some gram starts with c (c is followed by a character, or it ends the text):
a range of the grams' primary key. Grams fold ASCII letters only (SQLite's ``lower`` without ICU, and
the same ``translate`` on PostgreSQL), and so does ``fold`` for the keyword: for these short keywords
both databases answer alike, case-insensitively for ASCII (a non-ASCII cased letter such as Ä or Ω is
matched as written); keywords of 3 characters or more fold every letter, as the trigram indexes do.
"""

from __future__ import annotations

import string
import sys

from sqlalchemy import ColumnElement, Integer, any_, bindparam, cast, column, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from ihome.houses.models import House, house_gram

MAX_KEYWORD = 50
TRIGRAM = 3
FTS_TABLE = "ih_house_fts"
SEARCHED = (House.title, House.address, House.description)  # the FTS table's columns, in its order
FTS_QUERY = "SELECT rowid FROM ih_house_fts WHERE ih_house_fts MATCH :keyword_phrase"
ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # migration 0013's rule
SURROGATES = range(0xD800, 0xE000)


def like_pattern(keyword: str) -> str:
    """``%keyword%`` with LIKE's own characters escaped (escape character ``\\``)."""
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(keyword: str) -> str:
    """An FTS5 query string: one phrase, double quotes doubled, so no keyword is query syntax."""
    return '"' + keyword.replace('"', '""') + '"'


def _next_character(character: str) -> str | None:
    """The character after ``character`` in code point order (skipping surrogates), None after the last."""
    following = ord(character) + 1
    if following in SURROGATES:
        following = SURROGATES.stop
    return chr(following) if following <= sys.maxunicode else None


def gram_condition(keyword: str, dialect: str) -> ColumnElement[bool]:
    """Houses with ``keyword`` (1 or 2 characters) in their title, address or description, from ih_house_gram.

    On PostgreSQL the ids are gathered into an array first (``id = ANY(CAST((SELECT array_agg …) AS
    INTEGER[]))``): an ``IN (subquery)`` leaves the planner free to hash-join the grams with a scan of
    every house, which it prefers under the default ``random_page_cost`` for a keyword in ~2 % of houses
    (60 ms against 22 ms at 100,000 houses); the array can only be looked up by primary key.
    """
    folded = keyword.translate(ASCII_FOLD)
    gram = house_gram.c.gram
    if len(folded) == 2:
        conditions = [gram == folded]
    else:  # every gram starting with the character: [c, next character)
        following = _next_character(folded)
        conditions = [gram >= folded, *(() if following is None else (gram < following,))]
    if dialect == "postgresql":
        ids = select(func.array_agg(house_gram.c.house_id)).where(*conditions).scalar_subquery()
        return House.id == any_(cast(ids, ARRAY(Integer)))
    return House.id.in_(select(house_gram.c.house_id).where(*conditions))


def keyword_condition(keyword: str, dialect: str) -> ColumnElement[bool]:
    """Houses whose title, address or description contains ``keyword`` (already stripped, 1–50 characters)."""
    if len(keyword) < TRIGRAM:
        return gram_condition(keyword, dialect)
    if dialect == "postgresql":
        return or_(*(searched.ilike(like_pattern(keyword), escape="\\") for searched in SEARCHED))
    matching = text(FTS_QUERY).bindparams(
        bindparam("keyword_phrase", fts_phrase(keyword))).columns(column("rowid", Integer))
    return House.id.in_(matching)
