"""``ihome demo``: fill an empty instance with a living marketplace.

It spans every domain (users, houses, orders), so it lives beside the CLI, outside any domain.
Hosts with avatars and real-name info, guests, houses across the districts with photos drawn by
Pillow, facilities, past stays with reviews and a few pending bookings. Users, houses and photos go
through the same services as the API (validation, the image pipeline, storage, cache generations);
the orders are inserted directly in their final states, since the demo tells a past that the order
state machine would take weeks to walk through. Every demo user's password is ``demo-password``.

It refuses to touch an instance that already has houses, so it never mixes with real data. It is a
command, the edge of its own transaction: it commits once at the end.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ihome.accounts import service as accounts
from ihome.accounts.models import User
from ihome.core import clock
from ihome.extensions import db
from ihome.houses import reference
from ihome.houses import service as houses
from ihome.houses.cache import house_changed, user_profile_changed
from ihome.houses.demo_images import avatar, house_photo
from ihome.houses.models import Area, Facility, House
from ihome.orders.models import Order, OrderStatus
from ihome.orders.money import stay_quote

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented in the README; demo data only
HOST_COUNT = 8
GUEST_COUNT = 10
PAST_STAYS_PER_HOUSE = (0, 1, 2, 2, 2, 3)  # 5/3 on average: about 100 for 60 houses
PENDING_ORDERS = 12

HOST_NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周婷", "吴刚"]
GUEST_NAMES = ["孙悦", "马超", "朱琳", "胡军", "郭靖", "何欢", "高远", "林夕", "罗兰", "梁晨", "宋佳", "唐宁"]
ADJECTIVES = ["温馨", "阳光", "安静", "精致", "宽敞", "文艺", "北欧风", "复古", "江景", "近地铁"]
KINDS = [("一居室", 1), ("两居室", 2), ("三居室", 3), ("Loft公寓", 1), ("四合院", 3), ("小院", 2), ("景观房", 2)]
STREETS = ["建国路", "中关村大街", "长安街", "望京西路", "南锣鼓巷", "三里屯路", "金融街", "亦庄路", "回龙观路"]
COMMENTS = [
    (5, "房间干净整洁，房东很热情，下次还来！"), (5, "位置很好，离地铁很近，出行方便。"),
    (4, "整体不错，就是晚上有点吵。"), (5, "和照片一样漂亮，推荐！"), (3, "设施有点旧，但价格实惠。"),
    (4, "入住很顺利，房东回复及时。"), (5, "Great host, spotless flat, would stay again."),
    (4, "Quiet neighbourhood and a comfortable bed."), (2, "热水不稳定，希望改进。"), (5, "带孩子住很合适，空间大。"),
]


def _id_card(rng: random.Random) -> str:
    """A made-up mainland ID number with a valid check digit (Beijing, born 1970–1999)."""
    born = date(1970, 1, 1) + timedelta(days=rng.randint(0, 365 * 29))
    body = f"110105{born:%Y%m%d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _free(values: list[str], column) -> list[str]:
    taken = set(db.session.scalars(select(column).where(column.in_(values))))
    return [v for v in values if v not in taken]


def _make_users(rng: random.Random, names: list[str], count: int, prefix: str, *, hosts: bool) -> list[User]:
    password_hash = generate_password_hash(DEMO_PASSWORD)
    mobiles = _free([f"{prefix}{n:08d}" for n in range(1, count + 50)], User.mobile)
    wanted = [names[i % len(names)] + ("" if i < len(names) else str(i)) for i in range(count + 20)]
    free_names = _free(wanted, User.name)
    users = []
    for index in range(count):
        user = User(mobile=mobiles[index], name=free_names[index], password_hash=password_hash)
        if hosts:
            user.real_name, user.id_card = free_names[index][:4], _id_card(rng)
        db.session.add(user)
        users.append(user)
    db.session.flush()
    for index, user in enumerate(users):
        if hosts or index % 2 == 0:  # every host and half the guests chose an avatar
            accounts.set_avatar(user_id=user.id, data=avatar(seed=user.id * 7 + index))
    return users


def _house_fields(rng: random.Random, area: Area, facility_ids: list[int]) -> dict:
    kind, rooms = rng.choice(KINDS)
    min_days = rng.choice([1, 1, 1, 2, 3])
    return {
        "title": f"{area.name}·{rng.choice(ADJECTIVES)}{kind}",
        "price": rng.randrange(9_900, 129_900, 100),
        "area_id": area.id,
        "address": f"{area.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
        "room_count": rooms,
        "acreage": rooms * rng.randint(25, 45),
        "unit": f"{rooms}室{rng.randint(1, 2)}厅",
        "capacity": rooms * 2,
        "beds": rng.choice(["1张双人床", "2张单人床", "1张双人床, 1张沙发床", "2张双人床"]),
        "deposit": rng.choice([0, 20_000, 50_000, 100_000]),
        "min_days": min_days,
        "max_days": rng.choice([0, 0, 30, 90]),
        "facility": sorted(rng.sample(facility_ids, rng.randint(5, 14))),
        # no rng here: the demo's other random choices stay as they were
        "description": f"{area.name}的{kind}，{rooms}间卧室，采光好。\n步行可到地铁站，周边有超市和餐馆。",
        "house_rules": "室内禁止吸烟。\n22:00 以后请保持安静。",
    }


def _make_houses(rng: random.Random, hosts: list[User], count: int) -> list[House]:
    areas = list(db.session.scalars(select(Area).order_by(Area.id)))
    facility_ids = list(db.session.scalars(select(Facility.id)))
    made = []
    for index in range(count):
        host = hosts[index % len(hosts)]
        area = areas[index % len(areas)]
        house_id = houses.create_house(owner_id=host.id, fields=_house_fields(rng, area, facility_ids))
        for view in range(rng.randint(2, 4)):
            houses.add_house_image(house_id=house_id, user_id=host.id,
                                   data=house_photo(seed=house_id, view=view))
        made.append(db.session.get_one(House, house_id))
    return made


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _order(house: House, guest: User, start: date, nights: int, status: OrderStatus, **fields) -> Order:
    money = stay_quote(price=house.price, nights=nights).order_columns()  # the one money rule
    return Order(user_id=guest.id, house_id=house.id, start_date=start, end_date=start + timedelta(days=nights),
                 days=nights, house_price=house.price, status=status.value, **money, **fields)


def _make_orders(rng: random.Random, made: list[House], guests: list[User]) -> tuple[int, int]:
    """Past stays with reviews (walking back from today, so they never overlap) and pending bookings."""
    today = clock.today()
    past = 0
    for house in made:
        end = today - timedelta(days=rng.randint(1, 10))
        for _ in range(rng.choice(PAST_STAYS_PER_HOUSE)):
            nights = max(house.min_days, rng.randint(1, 4))
            start = end - timedelta(days=nights)
            rating, comment = rng.choice(COMMENTS)
            order = _order(house, rng.choice(guests), start, nights, OrderStatus.COMPLETE, rating=rating,
                           comment=comment, create_time=_stamp(start - timedelta(days=7)), update_time=_stamp(end),
                           comment_time=_stamp(end), reviews_public_at=_stamp(end))  # public: both sides reviewed
            db.session.add(order)
            house.order_count += 1
            house.rating_sum += rating
            house.rating_count += 1
            past += 1
            end = start - timedelta(days=rng.randint(0, 15))
    pending = 0
    for house in rng.sample(made, min(PENDING_ORDERS, len(made))):
        start = today + timedelta(days=rng.randint(3, 40))
        status = rng.choice([OrderStatus.WAIT_ACCEPT, OrderStatus.WAIT_PAYMENT])
        db.session.add(_order(house, rng.choice(guests), start, max(house.min_days, rng.randint(1, 3)), status))
        pending += 1
    return past, pending


def fill_demo(*, house_count: int = 60, seed: int = 20240601) -> str:
    """Create the demo marketplace and commit it; returns a summary (or why nothing was done)."""
    existing = db.session.scalar(select(func.count(House.id))) or 0
    if existing:
        return (f"iHome already has {existing} houses: the demo only fills an empty instance, "
                "so nothing was added.")
    if not db.session.scalar(select(func.count(Area.id))):
        reference.seed_reference_data()
        db.session.flush()
    rng = random.Random(seed)
    hosts = _make_users(rng, HOST_NAMES, HOST_COUNT, "170", hosts=True)
    guests = _make_users(rng, GUEST_NAMES, GUEST_COUNT, "171", hosts=False)
    made = _make_houses(rng, hosts, house_count)
    past, pending = _make_orders(rng, made, guests)
    for house in made:
        house_changed(db.session, house.id)
    user_profile_changed(db.session)
    db.session.commit()
    photos = sum(len(house.images) for house in made)
    return (f"demo ready: {len(hosts)} hosts ({hosts[0].mobile}…) and {len(guests)} guests ({guests[0].mobile}…), "
            f"password {DEMO_PASSWORD!r}; {len(made)} houses with {photos} photos; "
            f"{past} past stays with reviews and {pending} pending bookings")
