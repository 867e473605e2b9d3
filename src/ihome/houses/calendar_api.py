"""The owner's calendar API under /api/v1.0: block nights, price nights, and see where each block comes from.

The public side (booked, blocked and priced nights, and a stay's quote) is ``GET /houses/{id}/calendar``
and ``GET /houses/{id}/quote`` in ``ihome.orders.api``.
"""

from __future__ import annotations

from datetime import date

from apiflask import APIBlueprint, APIFlask

from ihome.core.responses import ok
from ihome.core.security import login_required, require_user_id
from ihome.extensions import db
from ihome.houses import calendar
from ihome.houses.calendar_schemas import BlocksIn, BlocksOut, OwnerCalendarOut, PricesIn, PricesOut
from ihome.houses.presenters import money

bp = APIBlueprint("houses_calendar_api", __name__, url_prefix="/api/v1.0", tag="Houses")

OWNER_ERRORS = {401: "4101: not logged in", 403: "4105: not the owner", 404: "4002: no such house"}
RANGE_ERRORS = ("4103: start_date in the past, end_date not after it, more than 366 nights, or nights beyond "
                "today + IHOME_BOOKING_HORIZON_DAYS; data.fields says which")


def _ranges(pairs: list[tuple[date, date]]) -> list[dict]:
    return [{"start_date": start, "end_date": end} for start, end in pairs]


def _nights(pairs: list[tuple[date, int]]) -> list[dict]:
    return [{"date": night, "price": price, "price_display": money(price)} for night, price in pairs]


@bp.get("/houses/<int:house_id>/calendar/blocks")
@login_required
@bp.output(OwnerCalendarOut)
@bp.doc(summary="My house's blocks and prices", description="The owner only: the host's own blocks, other sites' "
        "busy nights and the nights with the host's own price, from today on (GET /houses/{house_id}/calendar "
        "shows guests the same nights without their source).", responses=OWNER_ERRORS)
def owner_calendar(house_id: int):
    found = calendar.owner_calendar(house_id=house_id, user_id=require_user_id())
    return ok({"blocked": _ranges(found["blocked"]), "imported": _ranges(found["imported"]),
               "overrides": _nights(found["overrides"])})


@bp.put("/houses/<int:house_id>/calendar/blocks")
@login_required
@bp.input(BlocksIn)
@bp.output(BlocksOut)
@bp.doc(summary="Block or free nights", description="The owner only. blocked=true: nobody can book the nights "
        "[start_date, end_date) (merged with the host's blocks it touches); refused if an active booking holds "
        "one of them. blocked=false: the host's blocks lose those nights (a block around them is split); other "
        "sites' busy nights stay. Bookings and blocks of one house are serialised.",
        responses={**OWNER_ERRORS, 400: RANGE_ERRORS, 409: "4004: a booked night is inside the range"})
def set_blocks(house_id: int, json_data: BlocksIn):
    blocked = calendar.set_blocked(house_id=house_id, user_id=require_user_id(), start_date=json_data.start_date,
                                   end_date=json_data.end_date, blocked=json_data.blocked)
    db.session.commit()
    return ok({"blocked": _ranges(blocked)})


@bp.put("/houses/<int:house_id>/calendar/prices")
@login_required
@bp.input(PricesIn)
@bp.output(PricesOut)
@bp.doc(summary="Price nights", description="The owner only: every night of [start_date, end_date) costs price "
        "(fen), or with null goes back to the house's rule (weekend_price on Friday and Saturday nights, else "
        "price). Existing bookings keep their amounts.",
        responses={**OWNER_ERRORS, 400: RANGE_ERRORS.replace("; data", ", or a price out of range; data")})
def set_prices(house_id: int, json_data: PricesIn):
    prices = calendar.set_prices(house_id=house_id, user_id=require_user_id(), start_date=json_data.start_date,
                                 end_date=json_data.end_date, price=json_data.price)
    db.session.commit()
    return ok({"prices": _nights(prices)})


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
