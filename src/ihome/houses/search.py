"""Search: houses of a district free for a stay, sorted and paged, cached without ever lying.

A house is free for [sd, ed) when no order in an active state overlaps it (``start < ed AND
end > sd``: back-to-back stays do not conflict) and the stay fits its min/max days. The whole rule
is SQL: one query for the page, one for the count, the orders checked by a NOT EXISTS, never a list
of ids pulled into Python.

On PostgreSQL the overlap is written as ``daterange(start, end) && daterange(sd, ed)`` so that the
partial GiST index ``ix_order_active_stay`` finds the few active orders of the window directly and
the planner estimates them well: the count becomes one hash anti-join (busy set hashed once), and
the page walks the (area_id, sort column) index, probes each house it meets and stops after the
page. SQLite gets the plain comparison. Per-house probes (SQLite's count, both page queries) read
``ix_order_active_house_end``. The district is checked on a cache miss only, so a cached search
never touches the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select, text
from sqlalchemy.orm import lazyload

from ihome.core import clock
from ihome.core.cache import cached
from ihome.core.errors import Invalid
from ihome.core.i18n import current_language
from ihome.extensions import db
from ihome.houses.cache import PEOPLE, SEARCH
from ihome.houses.fields import MAX_ID, WHOLE_NUMBER
from ihome.houses.models import Area, House
from ihome.houses.presenters import house_summary
from ihome.houses.reference import REFERENCE_GENERATION
from ihome.houses.visibility import publicly_visible
from ihome.orders.models import ACTIVE_STATUSES, Order

MAX_NIGHTS = 366
MAX_PAGE = 1_000_000
SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "new": (House.create_time.desc(), House.id.desc()),
    "booking": (House.order_count.desc(), House.id.desc()),
    "price-inc": (House.price.asc(), House.id.asc()),
    "price-des": (House.price.desc(), House.id.desc()),
}


def _date(value: date | str | None, errors: dict[str, list[str]], name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = [_("Enter a date as YYYY-MM-DD")]
        return None


def _whole(value: int | str | None, errors: dict[str, list[str]], name: str, message: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    errors[name] = [str(message)]
    return None


def normalize_search(*, area_id: int | str | None, start: date | str | None, end: date | str | None,
                     sort: str | None, page: int | str | None) -> tuple[int | None, date | None, date | None, str, int]:
    """The checked search parameters; ``Invalid`` (4103) with a message per bad field.

    Field names are the API's query names (aid, sd, ed, sk, p) so a form can show them in place.
    Whether the district exists is only looked up here when another field is already wrong; a
    valid-looking request checks it on a cache miss (``_check_district``), so a hit costs no query.
    """
    errors: dict[str, list[str]] = {}
    aid = _whole(area_id, errors, "aid", _l("No such district"))
    sd, ed = _date(start, errors, "sd"), _date(end, errors, "ed")
    if "sd" not in errors and "ed" not in errors:
        if (sd is None) != (ed is None):
            errors["sd" if sd is None else "ed"] = [_("Choose both the check-in and the check-out date")]
        elif sd is not None and ed is not None:
            if sd < clock.today():
                errors["sd"] = [_("The check-in date is in the past")]
            if ed <= sd:
                errors["ed"] = [_("The check-out date must be after the check-in date")]
            elif (ed - sd).days > MAX_NIGHTS:
                errors["ed"] = [_("A stay is at most %(n)s nights", n=MAX_NIGHTS)]
    sort = (sort or "new").strip() or "new"
    if sort not in SORTS:
        errors["sk"] = [_("Sort by new, booking, price-inc or price-des")]
    number = _whole(1 if page is None else page, errors, "p", _l("Enter a page number from 1"))
    if "p" not in errors and (number is None or not 1 <= number <= MAX_PAGE):
        errors["p"] = [_("Enter a page number from 1")]
    if errors:
        if aid is not None and db.session.get(Area, aid) is None:
            errors = {"aid": [_("No such district")], **errors}
        raise Invalid(_("Some fields are invalid"), fields=errors)
    return aid, sd, ed, sort, number or 1


def _check_district(aid: int | None) -> None:
    """``Invalid`` (4103, field aid) for a district that does not exist."""
    if aid is not None and db.session.get(Area, aid) is None:
        raise Invalid(_("Some fields are invalid"), fields={"aid": [_("No such district")]})


def _conditions(aid: int | None, sd: date | None, ed: date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = publicly_visible()
    if aid is not None:
        conditions.append(House.area_id == aid)
    if sd is not None and ed is not None:
        nights = (ed - sd).days
        conditions.append(House.min_days <= nights)
        conditions.append(or_(House.max_days == 0, House.max_days >= nights))
        taken = exists().where(Order.house_id == House.id, *_active_overlap(sd, ed))
        conditions.append(~taken)
    return conditions


def _active_overlap(sd: date, ed: date) -> list[ColumnElement[bool]]:
    """Active orders overlapping [sd, ed), in the form each database's index answers."""
    # literal statuses: PostgreSQL only uses a partial index when it can see the values
    active = Order.status.in_(bindparam("active_statuses", [s.value for s in ACTIVE_STATUSES],
                                        expanding=True, literal_execute=True))
    if db.session.get_bind().dialect.name == "postgresql":
        # the same expression as ix_order_active_stay; '[)' is a literal so the index matches it
        stay = func.daterange(Order.start_date, Order.end_date, text("'[)'"))
        return [active, stay.op("&&")(func.daterange(sd, ed, text("'[)'")))]
    return [active, and_(Order.start_date < ed, Order.end_date > sd)]


def count_query(*, aid: int | None, sd: date | None, ed: date | None) -> Select:
    """How many houses match (also what the benchmark explains)."""
    return select(func.count(House.id)).where(*_conditions(aid, sd, ed))


def search_query(*, aid: int | None, sd: date | None, ed: date | None, sort: str) -> Select:
    """The page query without limit and offset (also what the benchmark explains)."""
    return (
        select(House).options(lazyload(House.images), lazyload(House.facilities))
        .where(*_conditions(aid, sd, ed)).order_by(*SORTS[sort])
    )


def _load(aid: int | None, sd: date | None, ed: date | None, sort: str, page: int, size: int) -> dict:
    _check_district(aid)  # on a miss only: a cached page proves its district existed (REFERENCE_GENERATION)
    total = db.session.scalar(count_query(aid=aid, sd=sd, ed=ed)) or 0
    houses: list[dict] = []
    if (page - 1) * size < total:
        rows = db.session.scalars(search_query(aid=aid, sd=sd, ed=ed, sort=sort).limit(size).offset((page - 1) * size))
        houses = [house_summary(house) for house in rows]
    return {"total_page": (total + size - 1) // size, "current_page": page, "houses": houses}


def search_houses(*, area_id: int | str | None = None, start: date | str | None = None,
                  end: date | str | None = None, sort: str | None = "new", page: int | str | None = 1) -> dict:
    """``{total_page, current_page, houses}``: the houses free for the stay, sorted and paged (cached).

    Accepts parsed values or the raw query strings; bad ones raise ``Invalid`` (4103). A page past
    the last gives an empty list with the real ``total_page`` (0 when nothing matches).
    """
    aid, sd, ed, sort, number = normalize_search(area_id=area_id, start=start, end=end, sort=sort, page=page)
    size = current_app.config["PAGE_SIZE"]
    key = f"houses:search:{current_language()}:{aid or ''}:{sd or ''}:{ed or ''}:{sort}:{number}:{size}"
    return cached(key, lambda: _load(aid, sd, ed, sort, number, size),
                  generations=[SEARCH, PEOPLE, REFERENCE_GENERATION])
