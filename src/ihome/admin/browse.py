"""The back office's lists: houses, users and orders with a search box, filters and pages.

Every list is two indexed queries (page and count), newest first, ``PAGE_SIZE`` rows a page.
``q`` is a number (an id) or a substring; LIKE wildcards in it are taken literally.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import lazyload

from ihome.accounts.models import User
from ihome.core.i18n import localized
from ihome.extensions import db
from ihome.houses.models import House
from ihome.houses.presenters import iso_utc
from ihome.orders.models import Order

PAGE_SIZE = 20


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _paged(query: Select, count: Select, page: int) -> tuple[list[Any], dict[str, int]]:
    total = db.session.scalar(count) or 0
    rows = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique())
    return rows, {"total": total, "total_page": (total + PAGE_SIZE - 1) // PAGE_SIZE, "current_page": page}


def list_houses(*, q: str | None = None, status: str | None = None, aid: int | None = None,
                page: int = 1) -> dict[str, Any]:
    """Houses; ``status`` = listed | unlisted | host_suspended."""
    conditions: list[Any] = []
    if q:
        text = [House.title.ilike(_like(q), escape="\\"), House.address.ilike(_like(q), escape="\\")]
        conditions.append(or_(House.id == int(q), *text) if q.isdigit() and len(q) <= 18 else or_(*text))
    if status == "listed":
        conditions.append(House.listed.is_(True))
    elif status == "unlisted":
        conditions.append(House.listed.is_(False))
    elif status == "host_suspended":
        conditions.append(House.user_id.in_(select(User.id).where(User.is_active.is_(False))))
    if aid is not None:
        conditions.append(House.area_id == aid)
    query = (select(House).options(lazyload(House.images), lazyload(House.facilities)).where(*conditions)
             .order_by(House.id.desc()))
    rows, paging = _paged(query, select(func.count(House.id)).where(*conditions), page)
    return {"houses": [_house(house) for house in rows], **paging}


def _house(house: House) -> dict[str, Any]:
    return {"house_id": house.id, "title": house.title, "area_id": house.area_id,
            "area_name": localized(house.area.name, house.area.name_en), "price": house.price,
            "host": {"user_id": house.user_id, "name": house.owner.name, "active": house.owner.is_active},
            "listed": house.listed, "unlisted_reason": house.unlisted_reason, "order_count": house.order_count,
            "create_time": iso_utc(house.create_time)}


def list_users(*, q: str | None = None, status: str | None = None, page: int = 1) -> dict[str, Any]:
    """Users; ``status`` = active | suspended | admin | host."""
    conditions: list[Any] = []
    if q:
        text = [User.name.ilike(_like(q), escape="\\"), User.mobile.ilike(_like(q), escape="\\")]
        conditions.append(or_(User.id == int(q), *text) if q.isdigit() and len(q) <= 18 else or_(*text))
    if status == "active":
        conditions.append(User.is_active.is_(True))
    elif status == "suspended":
        conditions.append(User.is_active.is_(False))
    elif status == "admin":
        conditions.append(User.is_admin.is_(True))
    elif status == "host":
        conditions.append(User.id.in_(select(House.user_id)))
    query = select(User).where(*conditions).order_by(User.id.desc())
    rows, paging = _paged(query, select(func.count(User.id)).where(*conditions), page)
    counts = dict(db.session.execute(
        select(House.user_id, func.count(House.id)).where(House.user_id.in_([u.id for u in rows]))
        .group_by(House.user_id)).all()) if rows else {}
    return {"users": [_user(user, counts.get(user.id, 0)) for user in rows], **paging}


def _user(user: User, houses: int) -> dict[str, Any]:
    return {"user_id": user.id, "name": user.name, "mobile": user.mobile, "active": user.is_active,
            "suspended_reason": user.suspended_reason, "is_admin": user.is_admin,
            "verified": user.real_name_verified, "houses": houses, "create_time": iso_utc(user.create_time)}


def list_orders(*, q: str | None = None, status: str | None = None, aid: int | None = None,
                page: int = 1) -> dict[str, Any]:
    """Orders; ``status`` is an order state; ``aid`` the house's district; ``q`` an order id or a house title."""
    conditions: list[Any] = []
    if q:
        title = House.title.ilike(_like(q), escape="\\")
        conditions.append(or_(Order.id == int(q), title) if q.isdigit() and len(q) <= 18 else title)
    if status:
        conditions.append(Order.status == status)
    if aid is not None:
        conditions.append(House.area_id == aid)
    query = (select(Order).join(House, House.id == Order.house_id).where(*conditions)
             .order_by(Order.id.desc()))
    count = select(func.count(Order.id)).join(House, House.id == Order.house_id).where(*conditions)
    rows, paging = _paged(query, count, page)
    return {"orders": [_order(order) for order in rows], **paging}


def _order(order: Order) -> dict[str, Any]:
    return {"order_id": order.id, "house_id": order.house_id, "title": order.house.title,
            "host_id": order.house.user_id, "guest": {"user_id": order.user_id, "name": order.guest.name},
            "start_date": order.start_date.isoformat(), "end_date": order.end_date.isoformat(),
            "days": order.days, "amount": order.amount, "status": order.status, "rating": order.rating,
            "comment": order.comment, "review_hidden": order.review_hidden,
            "ctime": iso_utc(order.create_time)}
