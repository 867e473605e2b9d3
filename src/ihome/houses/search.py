"""Search: houses of a district free for a stay, sorted and paged, cached without ever lying.

A house is free for [sd, ed) when no order in an active state overlaps it (``start < ed AND
end > sd``: back-to-back stays do not conflict), no block (the host's, or an imported calendar's
busy range) overlaps it, and the stay fits its min/max days. The whole rule
is SQL: one query for the page, one for the count, the orders checked by a NOT EXISTS, never a list
of ids pulled into Python. The orders domain writes that condition (``orders/house_parts.py``, asked
for through the ``house_taken_requested`` event): houses never imports orders.

On PostgreSQL the overlap is written as ``daterange(start, end) && daterange(sd, ed)`` so that the
partial GiST index ``ix_order_active_stay`` finds the few active orders of the window directly and
the planner estimates them well: the count becomes one hash anti-join (busy set hashed once), and
the page walks the (area_id, sort column) index, probes each house it meets and stops after the
page. SQLite gets the plain comparison. Per-house probes (SQLite's count, both page queries) read
``ix_order_active_house_end``. The district is checked on a cache miss only, so a cached search
never touches the database. The count reads the houses from ``ix_house_area_visible_stay`` alone
(district, visibility flags, stay length, host: migration 0014); the page query checks the joined
host's ``is_active`` rather than a NOT EXISTS (fewer relations to plan); a search without filters
binds its values into statements built once per process (``_prebuilt``).

Filters (issue 13): ``guests`` (capacity at least), ``min_price``/``max_price`` (base nightly price,
fen, inclusive), ``fac`` (every listed facility present: one EXISTS per fid on the facility table's
primary key) and ``q``, a case-insensitive substring of the title, the address or the description
(migration 0010). The keyword never scans the house table: trigram indexes from 3 characters on, the
gram table below that (migration 0013; see ``keyword.py``).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Date, Integer, Row, Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from ihome.core import clock
from ihome.core.cache import cached_json
from ihome.core.errors import Invalid
from ihome.core.events import house_taken_requested
from ihome.core.i18n import current_language, localized, speaking
from ihome.extensions import db
from ihome.houses import search_refresh
from ihome.houses.cache import PEOPLE, search_generations
from ihome.houses.calendar_models import HouseBlock
from ihome.houses.fields import MAX_ID, WHOLE_NUMBER
from ihome.houses.keyword import MAX_KEYWORD, keyword_condition
from ihome.houses.models import Area, Facility, House, house_facility
from ihome.houses.presenters import iso_utc, money, star_count
from ihome.houses.reference import REFERENCE_GENERATION
from ihome.houses.visibility import publicly_visible
from ihome.integrations.storage import media_url

KEY_PREFIX = "houses:search:"
MAX_NIGHTS = 366
MAX_PAGE = 1_000_000
MAX_PRICE = 10**12 - 1  # fen; what WHOLE_NUMBER can spell, far above any nightly price
MAX_GUESTS = 1_000
MAX_FACILITIES = 50
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


def _whole(value: int | str | None, errors: dict[str, list[str]], name: str, message: Any,
           *, low: int = 0, high: int = MAX_ID) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    errors[name] = [str(message)]
    return None


class Filters:
    """The checked issue-13 filters; ``None`` / empty means "not filtered"."""

    __slots__ = ("fac", "guests", "max_price", "min_price", "q")

    def __init__(self, *, guests: int | None = None, min_price: int | None = None, max_price: int | None = None,
                 fac: tuple[int, ...] = (), q: str | None = None) -> None:
        self.guests, self.min_price, self.max_price, self.fac, self.q = guests, min_price, max_price, fac, q

    @property
    def empty(self) -> bool:
        """Nothing filtered: the plain search."""
        return (self.guests is None and self.min_price is None and self.max_price is None and not self.fac
                and self.q is None)

    def key(self) -> str:
        """A cache-key part; ``q`` comes last so no value can shift the others."""
        fac = ",".join(str(f) for f in self.fac)
        return f"{self.guests or ''}:{self.min_price or ''}:{self.max_price or ''}:{fac}:{self.q or ''}"


def _facilities(value: str | list[int] | tuple[int, ...] | None, errors: dict[str, list[str]]) -> tuple[int, ...]:
    if value is None:
        return ()
    raw: list[str | int] = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    parts = [p for p in raw if p != ""]
    fids: set[int] = set()
    for part in parts:
        fid = _whole(part, errors, "fac", _l("Facilities are comma-separated facility ids"), low=1)
        if fid is None:
            return ()
        fids.add(fid)
    if len(fids) > MAX_FACILITIES:
        errors["fac"] = [_("Choose at most %(n)s facilities", n=MAX_FACILITIES)]
        return ()
    return tuple(sorted(fids))


def normalize_filters(*, guests: int | str | None = None, min_price: int | str | None = None,
                      max_price: int | str | None = None, fac: str | list[int] | tuple[int, ...] | None = None,
                      q: str | None = None, errors: dict[str, list[str]] | None = None) -> Filters:
    """The checked filters; bad ones add a message under their query name to ``errors`` (or raise)."""
    own = errors is None
    errors = {} if errors is None else errors
    people = _whole(guests, errors, "guests", _l("Enter a number of guests from 1 to %(n)s", n=MAX_GUESTS),
                    low=1, high=MAX_GUESTS)
    price_message = _l("Enter a price in fen, a whole number from 0")
    low = _whole(min_price, errors, "min_price", price_message, high=MAX_PRICE)
    high = _whole(max_price, errors, "max_price", price_message, high=MAX_PRICE)
    if low is not None and high is not None and high < low:
        errors["max_price"] = [_("The highest price must not be below the lowest")]
    fids = _facilities(fac, errors)
    keyword = (q or "").strip() or None
    if keyword is not None and len(keyword) > MAX_KEYWORD:
        errors["q"] = [_("A keyword is at most %(n)s characters", n=MAX_KEYWORD)]
    elif keyword is not None and any(unicodedata.category(c) in ("Cc", "Cs") for c in keyword):
        errors["q"] = [_("A keyword cannot hold control characters")]  # PostgreSQL refuses NUL in text
    if own and errors:
        raise Invalid(_("Some fields are invalid"), fields=errors)
    return Filters(guests=people, min_price=low, max_price=high, fac=fids, q=keyword)


def normalize_search(*, area_id: int | str | None, start: date | str | None, end: date | str | None,
                     sort: str | None, page: int | str | None, errors: dict[str, list[str]] | None = None,
                     ) -> tuple[int | None, date | None, date | None, str, int]:
    """The checked search parameters; ``Invalid`` (4103) with a message per bad field.

    Field names are the API's query names (aid, sd, ed, sk, p) so a form can show them in place.
    Whether the district exists is only looked up here when another field is already wrong; a
    valid-looking request checks it on a cache miss (``_check_district``), so a hit costs no query.
    ``errors`` may already hold the messages of other fields (the filters), reported together.
    """
    errors = {} if errors is None else errors
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


def _known(kind: str) -> set[int]:
    """Ids of districts or facilities this process has seen exist (reference rows are never deleted:
    houses point at them), so a search miss asks the database about each id once per process."""
    return current_app.extensions.setdefault(f"ihome.known_{kind}", set())


def _check_district(aid: int | None) -> None:
    """``Invalid`` (4103, field aid) for a district that does not exist."""
    if aid is None or aid in _known("areas"):
        return
    if db.session.get(Area, aid) is None:
        raise Invalid(_("Some fields are invalid"), fields={"aid": [_("No such district")]})
    _known("areas").add(aid)


def _check_facilities(fids: tuple[int, ...]) -> None:
    """``Invalid`` (4103, field fac) when a facility id does not exist (on a cache miss only)."""
    known = _known("facilities")
    if fids and not known.issuperset(fids):
        found = set(db.session.scalars(select(Facility.id).where(Facility.id.in_(fids))))
        if len(found) != len(fids):
            raise Invalid(_("Some fields are invalid"), fields={"fac": [_("No such facility")]})
        known.update(found)


# A district, a stay or a night count: a value, or a bound parameter of the prebuilt statements (``_prebuilt``).
Value = Any


def _conditions(aid: Value, sd: Value, ed: Value, filters: Filters | None = None, owner: Any = None,
                nights: Value = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = publicly_visible(owner=owner)
    if aid is not None:
        conditions.append(House.area_id == aid)
    if sd is not None and ed is not None:
        nights = (ed - sd).days if nights is None else nights
        conditions.append(House.min_days <= nights)
        conditions.append(or_(House.max_days == 0, House.max_days >= nights))
        conditions.extend(~taken for taken in _taken(sd, ed))
        # a night the host blocked or another site's calendar holds counts as booked (ix_house_block_house_dates)
        blocked = exists().where(HouseBlock.house_id == House.id, HouseBlock.start_date < ed, HouseBlock.end_date > sd)
        conditions.append(~blocked)
    if filters is not None:
        conditions.extend(_filter_conditions(filters))
    return conditions


def _filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.guests is not None:
        conditions.append(House.capacity >= filters.guests)
    if filters.min_price is not None:
        conditions.append(House.price >= filters.min_price)
    if filters.max_price is not None:
        conditions.append(House.price <= filters.max_price)
    for fid in filters.fac:  # all required: one primary-key probe each
        conditions.append(exists().where(house_facility.c.house_id == House.id, house_facility.c.facility_id == fid))
    if filters.q is not None:
        conditions.append(keyword_condition(filters.q, db.session.get_bind().dialect.name))
    return conditions


def _taken(sd: Value, ed: Value) -> list[ColumnElement[bool]]:
    """The other domains' conditions for a house whose nights in [sd, ed) are held (an active booking)."""
    return [condition for _receiver, condition in house_taken_requested.send(
        current_app._get_current_object(), house_id=House.id, start=sd, end=ed)  # type: ignore[attr-defined]
        if condition is not None]


def count_query(*, aid: int | None, sd: date | None, ed: date | None, filters: Filters | None = None) -> Select:
    """How many houses match (also what the benchmark explains)."""
    return select(func.count(House.id)).where(*_conditions(aid, sd, ed, filters))


def search_query(*, aid: int | None, sd: date | None, ed: date | None, sort: str,
                 filters: Filters | None = None) -> Select:
    """The page query without limit and offset (also what the benchmark explains).

    Only the columns a card shows (``_card``), the district's names and the host's avatar joined
    in: no ORM objects, no description or rules read for a list (issue 14).
    """
    return _page_select(aid, sd, ed, sort, filters)


def _page_select(aid: Value, sd: Value, ed: Value, sort: str, filters: Filters | None,
                 nights: Value = None) -> Select:
    from ihome.accounts.models import User

    host = aliased(User, name="host")
    return (
        select(House.id, House.title, House.price, House.address, House.room_count, House.order_count,
               House.index_image_key, House.create_time, House.rating_sum, House.rating_count,
               Area.name, Area.name_en, host.avatar_key)
        .join(Area, Area.id == House.area_id).join(host, host.id == House.user_id)
        # the host's own is_active rather than a NOT EXISTS on users: one relation fewer to plan (issue 14)
        .where(*_conditions(aid, sd, ed, filters, owner=host, nights=nights)).order_by(*SORTS[sort])
    )


def _prebuilt(*, district: bool, dated: bool, sort: str) -> tuple[Select, Select]:
    """The count and the page statement of a search without filters, with bound parameters (:aid, :sd,
    :ed, :nights, :size, :skip), built once per process and kind of search.

    The same SQL as ``count_query`` and ``search_query`` (a test compares them); building those two on
    every miss took ~2.5 ms of Python, more than the page query's own time in the database (issue 14).
    """
    cache: dict[tuple[bool, bool, str], tuple[Select, Select]] = current_app.extensions.setdefault(
        "ihome.search_statements", {})
    key = (district, dated, sort)
    if key not in cache:
        aid = bindparam("aid", type_=Integer()) if district else None
        sd, ed = (bindparam("sd", type_=Date()), bindparam("ed", type_=Date())) if dated else (None, None)
        nights = bindparam("nights", type_=Integer()) if dated else None
        count = select(func.count(House.id)).where(*_conditions(aid, sd, ed, nights=nights))
        page = (_page_select(aid, sd, ed, sort, None, nights=nights)
                .limit(bindparam("size", type_=Integer())).offset(bindparam("skip", type_=Integer())))
        cache[key] = (count, page)
    return cache[key]


def _card(row: Row) -> dict:
    """``presenters.house_summary`` of a ``search_query`` row (a test keeps the two equal)."""
    (house_id, title, price, address, rooms, orders, image, created, rating_sum, rating_count,
     area_zh, area_en, avatar) = row
    rating = round(rating_sum / rating_count, 1) if rating_count else None  # House.avg_rating
    return {"house_id": house_id, "title": title, "price": price, "price_display": money(price),
            "area_name": localized(area_zh, area_en), "address": address, "room_count": rooms,
            "order_count": orders, "index_image_url": media_url(image), "create_time": iso_utc(created),
            "avg_rating": rating, "stars": star_count(rating), "user_avatar": media_url(avatar)}


def _load(aid: int | None, sd: date | None, ed: date | None, sort: str, page: int, size: int,
          filters: Filters) -> dict:
    _check_district(aid)  # on a miss only: a cached page proves its district existed (REFERENCE_GENERATION)
    _check_facilities(filters.fac)
    skip = (page - 1) * size
    rows: Any
    if filters.empty:  # the common search: statements built once, only the values bound
        count, page_query = _prebuilt(district=aid is not None, dated=sd is not None, sort=sort)
        params = {"aid": aid, "sd": sd, "ed": ed, "nights": (ed - sd).days if sd and ed else None,
                  "size": size, "skip": skip}
        total = db.session.scalar(count, params) or 0
        rows = db.session.execute(page_query, params) if skip < total else []
    else:
        total = db.session.scalar(count_query(aid=aid, sd=sd, ed=ed, filters=filters)) or 0
        query = search_query(aid=aid, sd=sd, ed=ed, sort=sort, filters=filters)
        rows = db.session.execute(query.limit(size).offset(skip)) if skip < total else []
    houses = [_card(row) for row in rows]
    return {"total_page": (total + size - 1) // size, "current_page": page, "total": total, "houses": houses}


def search_houses(**criteria: Any) -> dict:
    """``{total_page, current_page, total, houses}``: the houses free for the stay, filtered, sorted, paged (cached).

    Takes the arguments of ``search_houses_json``: the same cached entry, parsed.
    """
    return json.loads(search_houses_json(**criteria))


def search_houses_json(*, area_id: int | str | None = None, start: date | str | None = None,
                       end: date | str | None = None, sort: str | None = "new", page: int | str | None = 1,
                       guests: int | str | None = None, min_price: int | str | None = None,
                       max_price: int | str | None = None, fac: str | list[int] | tuple[int, ...] | None = None,
                       q: str | None = None, refresh: bool = False) -> bytes:
    """The search result as the API's JSON bytes (``SearchOut``), served from the cache as stored.

    Accepts parsed values or the raw query strings; bad ones raise ``Invalid`` (4103) naming every
    bad field. A page past the last gives an empty list with the real ``total_page`` (0 when nothing
    matches); ``total`` counts the matching houses. A search answered from the cache is recorded as
    popular (``search_refresh``); ``refresh=True`` recomputes and stores it (``refresh_search``).
    """
    from ihome.houses.schemas import SearchOut

    errors: dict[str, list[str]] = {}
    filters = normalize_filters(guests=guests, min_price=min_price, max_price=max_price, fac=fac, q=q, errors=errors)
    aid, sd, ed, sort, number = normalize_search(area_id=area_id, start=start, end=end, sort=sort, page=page,
                                                 errors=errors)
    size = current_app.config["PAGE_SIZE"]
    # one format, read back by stay_of_key and refresh_search (q last: no value can shift the others)
    key = (f"{KEY_PREFIX}{current_language()}:{aid or ''}:{sd or ''}:{ed or ''}:{sort}:{number}:{size}:"
           f"{filters.key()}")
    # its district's listings and the nights of its stay only: bookings elsewhere leave it cached
    scope = search_generations(aid, sd, ed)
    found = cached_json(key, lambda: SearchOut.model_validate(_load(aid, sd, ed, sort, number, size, filters))
                        .model_dump(mode="json"), generations=[*scope, PEOPLE, REFERENCE_GENERATION],
                        refresh=refresh)
    if not refresh and g.get("cache_hit"):
        search_refresh.seen(scope[0], key)
    return found


def stay_of_key(key: str) -> tuple[date | None, date | None]:
    """The stay [sd, ed) of a cached search's key (None, None without dates)."""
    _lang, _aid, sd, ed = key[len(KEY_PREFIX):].split(":", 4)[:4]
    return (date.fromisoformat(sd) if sd else None), (date.fromisoformat(ed) if ed else None)


def refresh_search(key: str) -> bool:
    """Recompute and store the cached search ``key`` (``search_refresh``); False when it no longer
    stands (its check-in has passed, or the page size changed since)."""
    lang, aid, sd, ed, sort, page, size, guests, low, high, fac, q = key[len(KEY_PREFIX):].split(":", 11)
    if int(size) != current_app.config["PAGE_SIZE"]:
        return False
    try:
        with speaking(lang):
            search_houses_json(area_id=aid, start=sd, end=ed, sort=sort, page=page, guests=guests, min_price=low,
                               max_price=high, fac=fac, q=q, refresh=True)
    except Invalid:
        return False
    return True
