"""Reference data: Beijing's districts and the classic facilities, seeded and served from cache."""

from __future__ import annotations

from sqlalchemy import select

from ihome.core.cache import bump_after_commit, cached
from ihome.core.i18n import current_language
from ihome.extensions import db
from ihome.houses.models import Area, Facility

REFERENCE_GENERATION = "reference"

AREAS: tuple[tuple[str, str], ...] = (
    ("东城区", "Dongcheng"), ("西城区", "Xicheng"), ("朝阳区", "Chaoyang"), ("海淀区", "Haidian"),
    ("丰台区", "Fengtai"), ("石景山区", "Shijingshan"), ("门头沟区", "Mentougou"), ("房山区", "Fangshan"),
    ("通州区", "Tongzhou"), ("顺义区", "Shunyi"), ("昌平区", "Changping"), ("大兴区", "Daxing"),
    ("怀柔区", "Huairou"), ("平谷区", "Pinggu"), ("密云区", "Miyun"), ("延庆区", "Yanqing"),
)

# (Chinese name, English name, icon name in static/img/facilities/)
FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("无线网络", "Wi-Fi", "wifi"), ("热水淋浴", "Hot shower", "shower"), ("空调", "Air conditioning", "aircon"),
    ("暖气", "Heating", "heater"), ("允许吸烟", "Smoking allowed", "smoke"), ("饮水设备", "Drinking water", "water"),
    ("牙具", "Toothbrush", "brush"), ("香皂", "Soap", "soap"), ("拖鞋", "Slippers", "slippers"),
    ("手纸", "Toilet paper", "tissue"), ("毛巾", "Towels", "towel"), ("沐浴露", "Shower gel", "gel"),
    ("冰箱", "Refrigerator", "fridge"), ("洗衣机", "Washing machine", "washer"), ("电梯", "Elevator", "elevator"),
    ("允许做饭", "Cooking allowed", "cook"), ("允许带宠物", "Pets allowed", "pet"),
    ("允许聚会", "Parties allowed", "party"), ("门禁系统", "Access control", "access"),
    ("停车位", "Parking", "parking"), ("有线网络", "Wired internet", "ethernet"), ("电视", "TV", "tv"),
    ("浴缸", "Bathtub", "bathtub"),
)


def seed_reference_data() -> dict[str, int]:
    """Insert the districts and facilities that are missing; returns how many of each were added.

    Idempotent: existing rows (matched by Chinese name) are left alone, English names filled in.
    The caller commits.
    """
    added = {"areas": 0, "facilities": 0}
    areas = {a.name: a for a in db.session.scalars(select(Area))}
    for name, name_en in AREAS:
        if name not in areas:
            db.session.add(Area(name=name, name_en=name_en))
            added["areas"] += 1
        elif not areas[name].name_en:
            areas[name].name_en = name_en
    facilities = {f.name: f for f in db.session.scalars(select(Facility))}
    for name, name_en, icon in FACILITIES:
        if name not in facilities:
            db.session.add(Facility(name=name, name_en=name_en, icon=icon))
            added["facilities"] += 1
        elif not facilities[name].name_en:
            facilities[name].name_en, facilities[name].icon = name_en, icon
    bump_after_commit(db.session, REFERENCE_GENERATION)
    return added


def _load_areas() -> list[dict]:
    rows = db.session.scalars(select(Area).order_by(Area.id))
    return [{"aid": a.id, "name": a.name, "name_en": a.name_en} for a in rows]


def _load_facilities() -> list[dict]:
    rows = db.session.scalars(select(Facility).order_by(Facility.id))
    return [{"fid": f.id, "name": f.name, "name_en": f.name_en, "icon": f.icon} for f in rows]


def _localize(rows: list[dict], name_key: str) -> list[dict]:
    english = current_language() == "en"
    out = []
    for row in rows:
        item = {k: v for k, v in row.items() if k not in {"name", "name_en"}}
        item[name_key] = (row["name_en"] or row["name"]) if english else row["name"]
        out.append(item)
    return out


def list_areas() -> list[dict]:
    """``[{aid, aname}]`` in the request's language, from the cache."""
    rows = cached("areas", _load_areas, generations=[REFERENCE_GENERATION])
    return _localize(rows, "aname")


def list_facilities() -> list[dict]:
    """``[{fid, fname, icon}]`` in the request's language, from the cache."""
    rows = cached("facilities", _load_facilities, generations=[REFERENCE_GENERATION])
    return _localize(rows, "fname")


def warm_cache() -> int:
    """Load both lists into the cache; returns how many rows are cached."""
    return len(cached("areas", _load_areas, generations=[REFERENCE_GENERATION])) + len(
        cached("facilities", _load_facilities, generations=[REFERENCE_GENERATION])
    )
