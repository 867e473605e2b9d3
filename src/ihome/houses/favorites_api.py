"""The favourites JSON API: a heart on a house (PUT/DELETE, idempotent), my favourites, and their ids."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from pydantic import BaseModel, Field, RootModel

from ihome.core.responses import ok
from ihome.core.security import current_user_id, login_required, require_user_id
from ihome.extensions import db
from ihome.houses import favorites
from ihome.houses.schemas import UserHousesOut

bp = APIBlueprint("favorites_api", __name__, url_prefix="/api/v1.0", tag="Favourites")

NOT_LOGGED_IN = "4101: not logged in"


class NullOut(RootModel[None]):
    """``data`` is null."""


class FavoriteIdsOut(BaseModel):
    house_ids: list[int] = Field(description="ids of your favourite houses, newest first (at most 500)")
    logged_in: bool = Field(description="false for an anonymous visitor (house_ids is then empty)")


@bp.put("/houses/<int:house_id>/favorite")
@login_required
@bp.output(NullOut)
@bp.doc(summary="Add to favourites", description="Idempotent: a house already in your favourites stays as it was.",
        responses={401: NOT_LOGGED_IN, 404: "4002: no such house"})
def add(house_id: int):
    favorites.add_favorite(user_id=require_user_id(), house_id=house_id)
    db.session.commit()
    return ok(None)


@bp.delete("/houses/<int:house_id>/favorite")
@login_required
@bp.output(NullOut)
@bp.doc(summary="Remove from favourites", description="Idempotent: removing a house that is not there is fine.",
        responses={401: NOT_LOGGED_IN, 404: "4002: no such house"})
def remove(house_id: int):
    favorites.remove_favorite(user_id=require_user_id(), house_id=house_id)
    db.session.commit()
    return ok(None)


@bp.get("/user/favorites")
@login_required
@bp.output(UserHousesOut)
@bp.doc(summary="My favourites", description="House summaries, the newest favourite first.",
        responses={401: NOT_LOGGED_IN})
def mine():
    return ok({"houses": favorites.list_favorites(user_id=require_user_id())})


@bp.get("/user/favorites/ids")
@bp.output(FavoriteIdsOut)
@bp.doc(summary="Ids of my favourites",
        description="What the pages' script reads to fill in the hearts on house cards and the house page, so "
                    "those pages are the same for everyone (cacheable) and only this small answer is personal. "
                    "Anonymous visitors get {house_ids: [], logged_in: false} (not 401: the pages ask on every "
                    "visit, and a browser logs each failed request).")
def ids():
    user_id = current_user_id()
    if user_id is None:
        return ok({"house_ids": [], "logged_in": False})
    return ok({"house_ids": favorites.favorite_ids(user_id=user_id), "logged_in": True})


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
