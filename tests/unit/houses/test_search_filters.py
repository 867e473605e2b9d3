"""Issue 13's search filters (guests, price range, facilities, keyword) on the database under test.

Run with IHOME_TEST_DB=sqlite and IHOME_TEST_DB=postgresql: the fixed table of filter combinations
and the seeded random combinations are checked against the same Python reference on both, so both
databases give identical results on the same data.
"""

from __future__ import annotations

import random

import pytest

from ihome.core.errors import Invalid
from ihome.extensions import db
from ihome.houses.models import Facility
from ihome.houses.search import count_query, normalize_filters, search_houses
from tests.factories.houses import make_house
from tests.support.sql import statements_of

# (title, address, price, capacity, facility ids)
CATALOGUE = [
    ("朝阳区温馨两居室", "北京市朝阳区建国路88号", 30000, 4, (1, 2, 3)),
    ("Sunny loft near 三里屯", "朝阳区工体北路8号", 52000, 2, (1, 4)),
    ("海淀学院路一居", "海淀区学院路37号", 18000, 2, (2,)),
    ("故宫旁四合院", "东城区南池子大街", 88000, 8, (1, 2, 3, 4, 5)),
    ("100% cozy_room", "西城区金融街", 25000, 1, ()),
    ("Quiet STUDIO", "Haidian 中关村大街1号", 30000, 3, (1, 3)),
    ("望京大三居", "朝阳区望京SOHO", 45000, 6, (2, 3, 5)),
    ('"quoted" OR house*', "丰台区", 9900, 2, (4,)),
]
# the descriptions of the same rows (issue 12): the keyword also finds a word only there
DESCRIPTIONS = ["院子里有一棵石榴树\n安静", "", "近地铁，步行五分钟", "", "", "Pomegranate tree, quiet", "", ""]


@pytest.fixture
def catalogue(app_ctx) -> list[int]:
    facilities = {f.id: f for f in db.session.query(Facility)}
    ids = []
    for (title, address, price, capacity, fids), description in zip(CATALOGUE, DESCRIPTIONS, strict=True):
        house = make_house(title=title, address=address, price=price, capacity=capacity,
                           facilities=[facilities[f] for f in fids], description=description)
        ids.append(house.id)
    return ids


def found(**filters) -> list[int]:
    return [house["house_id"] for house in search_houses(sort="price-inc", **filters)["houses"]]


def by_index(ids: list[int], *indexes: int) -> list[int]:
    """The ids of catalogue rows, in price-inc order (ties by id), as search returns them."""
    rows = sorted(indexes, key=lambda i: (CATALOGUE[i][2], ids[i]))
    return [ids[i] for i in rows]


# ---- a fixed table: each filter, then combinations ----------------------------------------------------------

TABLE = [
    ({"guests": 4}, (0, 3, 6)),
    ({"guests": "8"}, (3,)),
    ({"guests": 9}, ()),
    ({"min_price": 30000}, (0, 1, 3, 5, 6)),
    ({"max_price": "25000"}, (2, 4, 7)),
    ({"min_price": 30000, "max_price": 30000}, (0, 5)),
    ({"fac": "1"}, (0, 1, 3, 5)),
    ({"fac": "1,3"}, (0, 3, 5)),
    ({"fac": "3, 1 ,"}, (0, 3, 5)),
    ({"fac": [2, 5]}, (3, 6)),
    ({"q": "朝阳"}, (0, 1, 6)),               # title or address, two characters
    ({"q": "朝阳区"}, (0, 1, 6)),             # three: through the trigram index
    ({"q": "朝阳区建国路"}, (0,)),
    ({"q": "学院路"}, (2,)),
    ({"q": "三里屯"}, (1,)),                  # Chinese inside a mixed title
    ({"q": "大"}, (3, 5, 6)),                 # one character
    ({"q": "居"}, (0, 2, 6)),                 # one character: followed by another, or ending the title
    ({"q": "号"}, (0, 1, 2, 5)),              # one character ending the address
    ({"q": "ST"}, (5,)),                      # two ASCII letters: case-insensitive
    ({"q": "9"}, ()),                         # a digit nowhere in a text
    ({"q": "studio"}, (5,)),                  # case-insensitive
    ({"q": "  LOFT "}, (1,)),                 # trimmed
    ({"q": "100%"}, (4,)),                    # % is a character, not a wildcard
    ({"q": "y_r"}, (4,)),                     # and so is _
    ({"q": "%"}, (4,)),
    ({"q": '"quoted"'}, (7,)),                # FTS query syntax is only text
    ({"q": "OR house*"}, (7,)),
    ({"q": "路88"}, (0,)),
    ({"q": "区南池"}, (3,)),
    ({"q": "温馨两居室北京"}, ()),            # never across the title/address boundary
    ({"q": "不存在的词"}, ()),
    ({"q": "石榴树"}, (0,)),                  # only in a description: through the index
    ({"q": "石榴"}, (0,)),                    # two characters: the plain substring test
    ({"q": "地铁"}, (2,)),
    ({"q": "POMEGRANATE"}, (5,)),             # case-insensitive there too
    ({"q": "号近地铁"}, ()),                  # never across the address/description boundary
    ({"q": ""}, (0, 1, 2, 3, 4, 5, 6, 7)),     # empty = no keyword
    ({"guests": 2, "q": "朝阳区", "fac": "3"}, (0, 6)),
    ({"guests": 3, "max_price": 45000, "fac": "1,3", "q": "区"}, (0,)),
    ({"min_price": 10000, "max_price": 50000, "q": "路"}, (0, 2)),
]


@pytest.mark.parametrize(("filters", "expected"), TABLE)
def test_filter_table(catalogue, filters, expected):
    assert found(**filters) == by_index(catalogue, *expected)
    assert search_houses(**filters)["total"] == len(expected)


def test_facility_ids_that_do_not_exist_are_refused(catalogue):
    with pytest.raises(Invalid) as error:
        search_houses(fac="1,999")
    assert list(error.value.fields) == ["fac"]


# ---- random combinations against a Python reference (the same answer on SQLite and PostgreSQL) ------------

def reference(filters: dict, ids: list[int]) -> list[int]:
    keep = []
    for i, (title, address, price, capacity, fids) in enumerate(CATALOGUE):
        q = (filters.get("q") or "").strip().lower()
        description = DESCRIPTIONS[i].lower()
        if ("guests" in filters and capacity < filters["guests"]
                or "min_price" in filters and price < filters["min_price"]
                or "max_price" in filters and price > filters["max_price"]
                or not set(filters.get("fac", ())) <= set(fids)
                or q and q not in title.lower() and q not in address.lower() and q not in description):
            continue
        keep.append(i)
    return by_index(ids, *keep)


def random_filters(rng: random.Random) -> dict:
    filters: dict = {}
    if rng.random() < 0.4:
        filters["guests"] = rng.randint(1, 8)
    if rng.random() < 0.4:
        filters["min_price"] = rng.choice([0, 9900, 18000, 30000, 45000])
    if rng.random() < 0.4:
        filters["max_price"] = rng.choice([30000, 52000, 88000, 100000])
    if rng.random() < 0.4:
        filters["fac"] = sorted(rng.sample(range(1, 6), rng.randint(1, 3)))
    if rng.random() < 0.6:
        row = rng.randrange(len(CATALOGUE))
        text = rng.choice([*CATALOGUE[row][:2], DESCRIPTIONS[row] or CATALOGUE[row][0]])
        start = rng.randrange(len(text))
        filters["q"] = text[start:start + rng.randint(1, 5)].replace("\n", " ").strip() or "区"  # no control char
    if "min_price" in filters and "max_price" in filters and filters["max_price"] < filters["min_price"]:
        del filters["max_price"]
    return filters


def test_random_combinations_match_the_reference(catalogue):
    rng = random.Random(13)
    for _ in range(60):
        filters = random_filters(rng)
        assert found(**filters) == reference(filters, catalogue), filters


# ---- still two queries; the keyword goes through the index -------------------------------------------------

def test_all_filters_are_still_one_page_query_and_one_count(catalogue):
    results: list[dict] = []
    statements = statements_of(lambda: results.append(
        search_houses(area_id=1, guests=2, min_price=1, max_price=90000, fac="1", q="朝阳区")))
    house_queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "ih_house " in s]
    assert len(house_queries) == 2, statements
    assert results[0]["total"] == 2
    keyword_sql = "ih_house_fts" if db.session.get_bind().dialect.name == "sqlite" else "ILIKE"
    assert all(keyword_sql in s for s in house_queries)


def test_the_keyword_count_uses_the_keyword_index(catalogue):
    query = count_query(aid=None, sd=None, ed=None, filters=normalize_filters(q="朝阳区"))
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), compiled.params
    if db.session.get_bind().dialect.name == "sqlite":
        plan = [row[-1] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", tuple(params.values()))]
        assert any("ih_house_fts VIRTUAL TABLE INDEX" in step for step in plan), plan
        assert not any(step.startswith("SCAN ih_house") and "fts" not in step for step in plan), plan
    else:
        # pg_trgm reads Chinese as letters under this database's LC_CTYPE (else it extracts nothing)
        assert len(db.session.scalar(db.text("SELECT show_trgm('朝阳区')"))) >= 1
        # a few rows: a table scan is cheaper, so forbid scans to show the trigram indexes can answer; and
        # a bitmap of every visible house from ix_house_area_visible_stay or the statistics' partial
        # ix_house_listed_area_created (both hold published and listed) is as cheap on a few rows, so this
        # transaction drops them (the rollback restores them; at 100,000 houses the planner picks the
        # trigram indexes with them present: bench/explain_search.py)
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(db.text("SET LOCAL enable_indexscan = off"))
        db.session.execute(db.text("DROP INDEX ix_house_area_visible_stay"))
        db.session.execute(db.text("DROP INDEX ix_house_listed_area_created"))
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN {sql}", params))
        assert "ix_house_title_trgm" in plan and "ix_house_address_trgm" in plan, plan
        assert "Seq Scan on ih_house" not in plan, plan


@pytest.mark.parametrize("word", ["望京", "居", "st"])
def test_a_short_keyword_count_uses_the_gram_index(catalogue, word):
    query = count_query(aid=None, sd=None, ed=None, filters=normalize_filters(q=word))
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), compiled.params
    assert "ih_house_gram" in sql and "LIKE" not in sql.upper()
    if db.session.get_bind().dialect.name == "sqlite":
        plan = [row[-1] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", tuple(params.values()))]
        assert any("ih_house_gram USING PRIMARY KEY (gram" in step for step in plan), plan
        assert not any(step.startswith("SCAN ih_house") for step in plan), plan
    else:
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a few rows: forbid scans, as above
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {sql}", params))
        assert "pk_ih_house_gram" in plan, plan
        assert "Seq Scan on ih_house" not in plan, plan


def test_an_edited_title_is_found_by_its_new_words(catalogue):
    from ihome.houses.cache import house_changed
    from ihome.houses.models import House

    house = db.session.get(House, catalogue[2])
    house.title = "颐和园边的小院"
    house_changed(db.session, house.id)
    db.session.commit()
    assert found(q="颐和园") == [catalogue[2]]
    assert found(q="学院路一居") == []
    assert found(q="学院路") == [catalogue[2]]  # still in the address
    assert found(q="颐和") == [catalogue[2]] and found(q="一居") == []  # the short keywords' grams too
    house_changed(db.session, house.id)
    db.session.delete(house)
    db.session.commit()
    assert found(q="学院路") == []


# ---- bad filters: 4103 naming the field ---------------------------------------------------------------------

@pytest.mark.parametrize(("filters", "field"), [
    ({"guests": 0}, "guests"),
    ({"guests": "two"}, "guests"),
    ({"guests": 1001}, "guests"),
    ({"min_price": -1}, "min_price"),
    ({"min_price": "1.5"}, "min_price"),
    ({"max_price": "10000000000000"}, "max_price"),
    ({"min_price": 500, "max_price": 400}, "max_price"),
    ({"fac": "1,x"}, "fac"),
    ({"fac": "0"}, "fac"),
    ({"fac": ",".join(str(i) for i in range(1, 60))}, "fac"),
    ({"q": "字" * 51}, "q"),
    ({"q": "朝阳\x00区"}, "q"),
    ({"q": "a\x1fb"}, "q"),
])
def test_bad_filters_name_the_field(app_ctx, filters, field):
    with pytest.raises(Invalid) as error:
        search_houses(**filters)
    assert list(error.value.fields) == [field]


def test_every_bad_field_is_named_at_once(app_ctx):
    with pytest.raises(Invalid) as error:
        search_houses(guests=0, q="x" * 51, sort="random")
    assert set(error.value.fields) == {"guests", "q", "sk"}
