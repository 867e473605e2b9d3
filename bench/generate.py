"""Bulk data for the benchmark: users, houses (with a photo row and facilities), orders, and the hosts'
calendars: about 5 % of houses have a host block, 1 % busy ranges of an imported calendar, and 5 % their
own prices for a run of nights (``calendar=False`` leaves the calendars empty, as before issue 12).

The schema comes from the real migrations and seed (``prepare_database``); rows are written with
the driver directly, in bulk: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Orders of one house
never overlap (PostgreSQL's exclusion constraint would refuse them): each house's stays are laid out
one after another over a window from a year ago to half a year ahead.

    python -m bench.generate sqlite:////tmp/bench.db 100000 1000000 /tmp/bench-instance
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

USER_COLUMNS = ("name", "mobile", "password_hash", "real_name", "id_card", "is_active", "is_admin",
                "create_time", "update_time")
HOUSE_COLUMNS = ("user_id", "area_id", "title", "price", "address", "room_count", "acreage", "unit", "capacity",
                 "beds", "deposit", "min_days", "max_days", "order_count", "rating_sum", "rating_count",
                 "index_image_key", "booking_version", "create_time", "update_time")
IMAGE_COLUMNS = ("house_id", "position", "key", "thumb_key", "create_time", "update_time")
FACILITY_COLUMNS = ("house_id", "facility_id")
ORDER_COLUMNS = ("user_id", "house_id", "start_date", "end_date", "days", "house_price", "amount", "status",
                 "comment", "rating", "create_time", "update_time", "reviews_public_at")
# Past stays are mostly complete; some were cancelled or rejected (they do not hold their nights).
PAST_STATUSES = ["COMPLETE"] * 8 + ["CANCELED", "REJECTED"]
FUTURE_STATUSES = ["WAIT_ACCEPT", "WAIT_PAYMENT", "PAID", "PAID", "CANCELED"]
EVENT_COLUMNS = ("order_id", "from_status", "to_status", "actor", "note", "create_time")
PAYMENT_COLUMNS = ("order_id", "out_trade_no", "trade_no", "amount", "status", "paid_at", "create_time",
                   "update_time")
REFUND_COLUMNS = ("payment_id", "out_request_no", "amount", "reason", "status", "attempts", "last_error",
                  "create_time", "update_time")
# How a CANCELED order got there: the guest withdrew, the host never answered, the guest never paid, the
# guest cancelled a paid stay (refunded), the host cancelled an accepted one.
CANCEL_FATES = ("guest_pending", "expired_unanswered", "expired_unpaid", "guest_paid", "host")
CALENDAR_IMPORT_COLUMNS = ("house_id", "url", "last_synced_at", "last_attempt_at", "create_time")
BLOCK_COLUMNS = ("house_id", "start_date", "end_date", "import_id", "source_uid", "create_time")
NIGHT_PRICE_COLUMNS = ("house_id", "night", "price")
BLOCKED_SHARE, IMPORTED_SHARE, PRICED_SHARE = 0.05, 0.01, 0.05
BATCH = 20_000
PAST_DAYS, FUTURE_DAYS = 365, 180  # the orders' window around today


def _batches(rows: Iterable[tuple], size: int = BATCH) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Writer:
    """Inserts rows through the raw DBAPI connection: executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()

    def value(self, value: Any) -> Any:
        """SQLite stores timestamps and dates as text in SQLAlchemy's own format."""
        if self.dialect == "sqlite" and isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        if self.dialect == "sqlite" and isinstance(value, date):
            return value.isoformat()
        return value

    def insert(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        cursor = self.raw.cursor()
        quoted = ", ".join(f'"{c}"' for c in columns)
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
            for batch in _batches(rows):
                cursor.executemany(sql, [tuple(self.value(v) for v in row) for row in batch])
                count += len(batch)
        self.raw.commit()
        return count

    def execute(self, sql: str) -> None:
        cursor = self.raw.cursor()
        cursor.execute(sql)
        self.raw.commit()

    def analyze(self) -> None:
        """Fresh planner statistics; on PostgreSQL also the visibility map (what autovacuum would do
        after a bulk load), so index-only scans need not visit the table."""
        if self.dialect == "postgresql":
            self.raw.commit()
            connection = self.raw.driver_connection
            connection.autocommit = True  # type: ignore[union-attr]  # VACUUM refuses a transaction
            try:
                connection.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
            finally:
                connection.autocommit = False  # type: ignore[union-attr]
        else:
            self.execute("ANALYZE")

    def close(self) -> None:
        self.raw.close()


def _users(count: int, now: datetime, password_hash: str) -> Iterator[tuple]:
    first = now - timedelta(days=PAST_DAYS + 60)  # everyone joined before the orders' window
    for n in range(count):
        host = n % 2 == 0
        joined = first + timedelta(minutes=n)
        yield (f"bench-{n}", f"150{n:08d}", password_hash, "张三" if host else None,
               "11010519491231002X" if host else None, True, False, joined, joined)


# Chinese titles and addresses for keyword searches, chosen from n (no draw from rng: the other
# columns stay as they were): a place matches 1 house in 40, a place + kind 1 in 480, a street 1 in 30.
PLACES = ("三里屯", "望京", "国贸", "中关村", "五道口", "西直门", "王府井", "南锣鼓巷", "后海", "798艺术区",
          "亚运村", "奥林匹克公园", "大望路", "双井", "潘家园", "天通苑", "回龙观", "通州北苑", "亦庄", "丽泽",
          "首都机场", "颐和园", "香山", "北京南站", "崇文门", "东直门", "雍和宫", "鼓楼", "什刹海", "前门",
          "天坛", "牡丹园", "西单", "金融街", "公主坟", "五棵松", "石景山", "长辛店", "房山良乡", "延庆妫水")
KINDS = ("温馨一居", "阳光两居", "精装三居", "loft公寓", "四合院", "景观房", "复式", "独栋别墅",
         "榻榻米小屋", "亲子套房", "商务公寓", "胡同小院")
STREETS = ("建国路", "朝阳北路", "长安街", "学院路", "知春路", "北四环", "东三环", "西二环", "工体北路", "鼓楼大街",
           "平安大街", "阜成路", "复兴路", "广渠路", "京顺路", "安立路", "北苑路", "通惠河北路", "宣武门外大街",
           "南二环", "丰台路", "马家堡路", "科创街", "黄村大街", "良乡大街", "妫水北街", "府前街", "霞光里",
           "三元桥", "酒仙桥路")


def _title(n: int) -> str:
    return f"{PLACES[n % len(PLACES)]}{KINDS[(n // len(PLACES)) % len(KINDS)]} {n + 1}号"


def _address(n: int) -> str:
    return f"北京市{STREETS[(n * 7) % len(STREETS)]}{n % 500 + 1}号院"


def _houses(rng: random.Random, count: int, users: int, areas: int, photos: list[tuple[str, str]],
            now: datetime) -> Iterator[tuple]:
    for n in range(count):
        created = now - timedelta(days=PAST_DAYS + 30, minutes=count - n)  # listed before the orders' window
        min_days = rng.choice((1, 1, 1, 2, 3))
        _detail, thumb = photos[n % len(photos)]
        yield (1 + (n * 2) % users, 1 + n % areas, _title(n), rng.randrange(5_000, 200_000, 100),
               _address(n), rng.randint(1, 4), rng.randint(20, 160), "2室1厅", rng.randint(1, 8),
               "1 double bed", 10_000, min_days, rng.choice((0, 0, 30)), 0, 0, 0, thumb, 0, created, created)


class Stay(NamedTuple):
    """One generated order and how its story went (``fate`` says how a CANCELED one got there)."""

    order_id: int
    guest: int
    house: int
    host: int
    start: date
    end: date
    nights: int
    price: int
    status: str
    rating: int | None
    created: datetime
    fate: str


def _stays(rng: random.Random, houses: int, count: int, users: int, today: date, now: datetime) -> Iterator[Stay]:
    """``count`` stays spread over the houses, the same for the same ``rng`` state (orders get ids in this order)."""
    per_house, extra = divmod(count, houses)
    window_start = today - timedelta(days=PAST_DAYS)
    order_id = 0
    latest = now - timedelta(days=2)  # every story has finished unfolding by now
    for house in range(1, houses + 1):
        n = per_house + (1 if house <= extra else 0)
        if not n:
            continue
        host = 1 + ((house - 1) * 2) % users
        # one stay inside each of n equal slots of the window: they can never overlap
        slot = max(2, (PAST_DAYS + FUTURE_DAYS) // n)
        for index in range(n):
            nights = rng.randint(1, min(5, slot - 1))
            start = window_start + timedelta(days=index * slot + rng.randint(0, slot - nights))
            end = start + timedelta(days=nights)
            status = rng.choice(PAST_STATUSES if end <= today else FUTURE_STATUSES)
            rating = rng.randint(3, 5) if status == "COMPLETE" else None
            order_id += 1
            lead = timedelta(days=1 + order_id * 7 % 30, hours=order_id % 12)
            created = min(datetime(start.year, start.month, start.day, tzinfo=UTC) - lead, latest)
            fate = CANCEL_FATES[order_id * 7919 % len(CANCEL_FATES)] if status == "CANCELED" else status
            guest = 2 + 2 * ((house * 7 + index) % (users // 2))  # guests have even ids, hosts odd
            yield Stay(order_id, guest, house, host, start, end, nights, 20_000, status, rating, created, fate)


def _orders(stays: Iterable[Stay], counts: list[list[int]]) -> Iterator[tuple]:
    """The order rows; fills ``counts[house] = [orders, rating_sum, ratings]``."""
    for s in stays:
        if s.rating is not None:
            tally = counts[s.house]
            tally[0] += 1
            tally[1] += s.rating
            tally[2] += 1
        yield (s.guest, s.house, s.start, s.end, s.nights, s.price, s.price * s.nights, s.status,
               "Nice stay" if s.rating else None, s.rating, s.created, s.created,
               s.created if s.rating else None)  # reviewed stays are public (migration 0012), not left blind


def _paid_at(s: Stay) -> datetime:
    return s.created + timedelta(hours=1, minutes=30)


def _is_paid(s: Stay) -> bool:
    return s.status in ("PAID", "COMPLETE") or s.fate == "guest_paid"


def _events(stays: Iterable[Stay], now: datetime) -> Iterator[tuple]:
    """The event log each order's status implies, with the actors the services record."""
    for s in stays:
        guest, host, at = f"user:{s.guest}", f"user:{s.host}", s.created
        yield (s.order_id, None, "WAIT_ACCEPT", guest, None, at)
        if s.fate == "REJECTED":
            yield (s.order_id, "WAIT_ACCEPT", "REJECTED", host, "Not available", at + timedelta(hours=3))
            continue
        if s.fate == "guest_pending":
            yield (s.order_id, "WAIT_ACCEPT", "CANCELED", guest, None, at + timedelta(hours=2))
            continue
        if s.fate == "expired_unanswered":
            yield (s.order_id, "WAIT_ACCEPT", "CANCELED", "system:expire_unanswered", None, at + timedelta(hours=24))
            continue
        if s.fate == "WAIT_ACCEPT":
            continue
        yield (s.order_id, "WAIT_ACCEPT", "WAIT_PAYMENT", host, None, at + timedelta(hours=1))
        if s.fate == "expired_unpaid":
            yield (s.order_id, "WAIT_PAYMENT", "CANCELED", "system:expire_unpaid", None, at + timedelta(hours=3))
            continue
        if s.fate == "host":
            yield (s.order_id, "WAIT_PAYMENT", "CANCELED", host, "host cancel", at + timedelta(hours=1, minutes=10))
            continue
        if s.fate == "WAIT_PAYMENT":
            continue
        yield (s.order_id, "WAIT_PAYMENT", "PAID", "system:alipay", f"bench-{s.order_id}", _paid_at(s))
        if s.fate == "guest_paid":
            yield (s.order_id, "PAID", "CANCELED", guest, None, _paid_at(s) + timedelta(hours=1))
            continue
        if s.status == "COMPLETE":
            finished = datetime(s.end.year, s.end.month, s.end.day, 4, tzinfo=UTC)  # noon in Shanghai
            yield (s.order_id, "PAID", "WAIT_COMMENT", "system:finish_stay", None, finished)
            yield (s.order_id, "WAIT_COMMENT", "COMPLETE", guest, None, min(finished + timedelta(days=1), now))


def _payments(stays: Iterable[Stay]) -> Iterator[tuple]:
    for s in stays:
        if _is_paid(s):
            amount, paid = s.price * s.nights, _paid_at(s)
            yield (s.order_id, f"bench-{s.order_id}", f"T{s.order_id}", amount, "SUCCEEDED", paid, paid, paid)


def _refunds(stays: Iterable[Stay]) -> Iterator[tuple]:
    """Paid stays the guest cancelled: refunded in full, or half of it (a partial refund by the policy)."""
    payment_id = 0
    for s in stays:
        if not _is_paid(s):
            continue
        payment_id += 1
        if s.fate == "guest_paid":
            amount = s.price * s.nights // (1 if s.order_id % 2 else 2)
            done = _paid_at(s) + timedelta(hours=1, minutes=1)
            yield (payment_id, f"bench-{s.order_id}-refund", amount, "cancelled by the guest", "SUCCEEDED", 1,
                   None, done, done)


class Calendars(NamedTuple):
    """The calendar rows of the generated houses."""

    imports: list[tuple]
    blocks: list[tuple]
    prices: list[tuple]


def _calendars(houses: int, today: date, now: datetime, seed: int) -> Calendars:
    """Host blocks, imported busy ranges and nightly prices over the next FUTURE_DAYS, from a generator of
    their own (the other tables stay exactly as they were without them)."""
    rng = random.Random(seed * 1_000 + 12)
    imports: list[tuple] = []
    blocks: list[tuple] = []
    prices: list[tuple] = []
    for house in range(1, houses + 1):
        if rng.random() < BLOCKED_SHARE:
            start = today + timedelta(days=rng.randint(0, FUTURE_DAYS - 14))
            blocks.append((house, start, start + timedelta(days=rng.randint(2, 14)), None, None, now))
        if rng.random() < IMPORTED_SHARE:
            imports.append((house, f"https://calendar.example.com/{house}.ics", now, now, now))
            for n in range(rng.randint(1, 3)):
                start = today + timedelta(days=rng.randint(0, FUTURE_DAYS - 7))
                blocks.append((house, start, start + timedelta(days=rng.randint(1, 7)), len(imports),
                               f"bench-{house}-{n}@example.com", now))
        if rng.random() < PRICED_SHARE:
            start = today + timedelta(days=rng.randint(0, FUTURE_DAYS - 30))
            price = rng.randrange(5_000, 300_000, 100)
            prices += [(house, start + timedelta(days=n), price) for n in range(rng.randint(3, 30))]
    return Calendars(imports, blocks, prices)


def _photos(count: int = 8) -> list[tuple[str, str]]:
    """A few real photos through the app's pipeline and storage, shared by all houses (so /media works)."""
    from ihome.core.images import process_image
    from ihome.houses.demo_images import house_photo
    from ihome.houses.photos import DETAIL, THUMB
    from ihome.integrations.storage import get_storage

    storage = get_storage()
    keys = []
    for n in range(count):
        thumb, detail = process_image(house_photo(seed=n, view=0), field="house_image",
                                      max_bytes=10 << 20, max_pixels=40_000_000, variants=(THUMB, DETAIL))
        keys.append(tuple(storage.save(image.data, prefix="houses", extension="jpg", content_type="image/jpeg")
                          for image in (detail, thumb)))
    return keys  # type: ignore[return-value]


def generate(app, *, houses: int, orders: int, seed: int = 7, calendar: bool = True, log=print) -> dict[str, float]:
    """Fill the (migrated, empty) database of ``app``; returns the seconds each step took.

    ``calendar`` adds the hosts' blocks, imported busy ranges and nightly prices (``_calendars``).
    """
    from ihome.extensions import db

    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    timings: dict[str, float] = {}
    with app.app_context():
        writer = Writer(db.engine)
        areas = 16
        users = max(1_000, houses // 10)
        photos = _photos()
        started = time.perf_counter()
        writer.insert("ih_user", USER_COLUMNS, _users(users, now, "pbkdf2:sha256:1$bench$0"))
        writer.insert("ih_house", HOUSE_COLUMNS, _houses(rng, houses, users, areas, photos, now))
        writer.insert("ih_house_image", IMAGE_COLUMNS,
                      ((h, 0, photos[(h - 1) % len(photos)][0], photos[(h - 1) % len(photos)][1], now, now)
                       for h in range(1, houses + 1)))
        writer.insert("ih_house_facility", FACILITY_COLUMNS,
                      ((h, f) for h in range(1, houses + 1) for f in sorted(rng.sample(range(1, 24), 3))))
        timings["houses"] = time.perf_counter() - started
        log(f"  {houses:,} houses in {timings['houses']:.1f} s")
        started = time.perf_counter()
        counts = [[0, 0, 0] for _ in range(houses + 1)]
        state = rng.getstate()

        def stays() -> Iterator[Stay]:  # the same stays on every pass
            again = random.Random()
            again.setstate(state)
            return _stays(again, houses, orders, users, today, now)

        writer.insert("ih_order", ORDER_COLUMNS, _orders(stays(), counts))
        timings["orders"] = time.perf_counter() - started
        log(f"  {orders:,} orders in {timings['orders']:.1f} s")
        started = time.perf_counter()
        events = writer.insert("ih_order_event", EVENT_COLUMNS, _events(stays(), now))
        paid = writer.insert("ih_payment", PAYMENT_COLUMNS, _payments(stays()))
        refunded = writer.insert("ih_refund", REFUND_COLUMNS, _refunds(stays()))
        timings["events+money"] = time.perf_counter() - started
        log(f"  {events:,} events, {paid:,} payments, {refunded:,} refunds in {timings['events+money']:.1f} s")
        if calendar:
            started = time.perf_counter()
            rows = _calendars(houses, today, now, seed)
            writer.insert("ih_calendar_import", CALENDAR_IMPORT_COLUMNS, rows.imports)
            blocks = writer.insert("ih_house_block", BLOCK_COLUMNS, rows.blocks)
            priced = writer.insert("ih_night_price", NIGHT_PRICE_COLUMNS, rows.prices)
            timings["calendars"] = time.perf_counter() - started
            log(f"  {blocks:,} blocks ({len(rows.imports):,} imported calendars), {priced:,} night prices "
                f"in {timings['calendars']:.1f} s")
        started = time.perf_counter()
        _store_tallies(writer, counts)
        writer.analyze()
        timings["tally+analyze"] = time.perf_counter() - started
        writer.close()
    return timings


def _store_tallies(writer: Writer, counts: list[list[int]]) -> None:
    """order_count and the rating totals of each house, from the orders just written."""
    rows = [(c[0], c[1], c[2], house) for house, c in enumerate(counts) if house and c[0]]
    cursor = writer.raw.cursor()
    marker = "%s" if writer.dialect == "postgresql" else "?"
    sql = (f"UPDATE ih_house SET order_count = {marker}, rating_sum = {marker}, rating_count = {marker} "
           f"WHERE id = {marker}")
    if writer.dialect == "postgresql":
        # one statement from a temporary table beats 100,000 single-row updates
        cursor.execute("CREATE TEMP TABLE tally (oc int, rs int, rc int, id int)")
        with cursor.copy("COPY tally FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        cursor.execute("UPDATE ih_house h SET order_count = t.oc, rating_sum = t.rs, rating_count = t.rc "
                       "FROM tally t WHERE h.id = t.id")
    else:
        cursor.executemany(sql, rows)
    writer.raw.commit()


def main(argv: list[str]) -> None:
    from ihome import create_app
    from ihome.cli import prepare_database

    url, houses, orders = argv[0], int(argv[1]), int(argv[2])
    app = create_app({"IHOME_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": argv[3]})
    with app.app_context():
        prepare_database()
    generate(app, houses=houses, orders=orders)


if __name__ == "__main__":
    main(sys.argv[1:])
