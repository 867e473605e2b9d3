"""The houses JSON API under /api/v1.0."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from flask import current_app

from ihome.core.events import house_viewed, search_performed
from ihome.core.responses import ok
from ihome.core.security import current_user_id, require_user_id
from ihome.extensions import db
from ihome.houses import cache, reference, service
from ihome.houses.schemas import (
    AreaOut,
    FacilityOut,
    HouseCreateIn,
    HouseDetailPageOut,
    HouseIdOut,
    HouseImageIn,
    HouseImageOut,
    HouseIn,
    HouseSummaryOut,
    ImageOrderIn,
    ImageOrderOut,
    MyHousesOut,
    NullOut,
    PublicationIn,
    PublicationOut,
    SearchOut,
    SearchQuery,
)

bp = APIBlueprint("houses_api", __name__, url_prefix="/api/v1.0", tag="Houses")


@bp.get("/areas")
@bp.output(list[AreaOut])  # type: ignore[arg-type]
@bp.doc(summary="Districts", description="All districts, in the request's language (cached).")
def areas():
    return ok(reference.list_areas())


@bp.get("/facilities")
@bp.output(list[FacilityOut])  # type: ignore[arg-type]
@bp.doc(summary="Facilities", description="All facilities, in the request's language (cached).")
def facilities():
    return ok(reference.list_facilities())


NOT_LOGGED_IN = "4101: not logged in"
FIELD_ERRORS = "4103: invalid fields; data.fields has a message per field"


@bp.post("/houses")
@bp.input(HouseCreateIn)
@bp.output(HouseIdOut, status_code=201)
@bp.doc(summary="Publish a house", description="Verified hosts only. Then add photos with POST /houses/{id}/images.",
        responses={400: FIELD_ERRORS, 401: NOT_LOGGED_IN, 403: "4104: real-name verification required"})
def create_house(json_data: HouseCreateIn):
    house_id = service.create_house(owner_id=require_user_id(), fields=json_data.model_dump(exclude_unset=True))
    db.session.commit()
    return ok({"house_id": house_id}, 201)


@bp.put("/houses/<int:house_id>")
@bp.input(HouseIn)
@bp.output(HouseIdOut)
@bp.doc(summary="Edit a house", description="The owner only. Fields left out keep their values.",
        responses={400: FIELD_ERRORS, 401: NOT_LOGGED_IN, 403: "4105: not the owner", 404: "4002: no such house"})
def update_house(house_id: int, json_data: HouseIn):
    service.update_house(house_id=house_id, user_id=require_user_id(),
                         fields=json_data.model_dump(exclude_unset=True))
    db.session.commit()
    return ok({"house_id": house_id})


@bp.post("/houses/<int:house_id>/images")
@bp.input(HouseImageIn, location="files")
@bp.output(HouseImageOut, status_code=201)
@bp.doc(summary="Add a photo", description="The owner only; at most 30 per house. The first becomes the index image.",
        responses={400: "4103: not a JPEG, PNG or WebP image, too large, of more than IHOME_MAX_PHOTO_PIXELS "
                        "pixels, or the house has 30 photos",
                   401: NOT_LOGGED_IN, 403: "4105: not the owner", 404: "4002: no such house",
                   413: "4103: the request body is too large",
                   503: "4001: too many images being processed; Retry-After says when to try again"})
def add_house_image(house_id: int, files_data: HouseImageIn):
    url = service.add_house_image(house_id=house_id, user_id=require_user_id(), data=files_data.house_image.read())
    db.session.commit()
    return ok({"image_url": url}, 201)


@bp.delete("/houses/<int:house_id>/images/<int:image_id>")
@bp.output(NullOut)
@bp.doc(summary="Delete a photo", description="The owner only. data is null. The stored files go when no photo "
        "uses them any more; when the photo was the cover, the next photo becomes the cover.",
        responses={401: NOT_LOGGED_IN, 403: "4105: not the owner", 404: "4002: no such house, or no such photo "
                   "of this house"})
def delete_house_image(house_id: int, image_id: int):
    service.delete_house_image(house_id=house_id, user_id=require_user_id(), image_id=image_id)
    db.session.commit()
    return ok(None)


@bp.put("/houses/<int:house_id>/images/order")
@bp.input(ImageOrderIn)
@bp.output(ImageOrderOut)
@bp.doc(summary="Reorder the photos", description="The owner only. image_ids lists every photo of the house once, "
        "in the new order; the first becomes the cover (the index image of lists).",
        responses={400: "4103: image_ids is not exactly the house's photos (nothing changes)", 401: NOT_LOGGED_IN,
                   403: "4105: not the owner", 404: "4002: no such house"})
def reorder_house_images(house_id: int, json_data: ImageOrderIn):
    urls = service.reorder_house_images(house_id=house_id, user_id=require_user_id(), image_ids=json_data.image_ids)
    db.session.commit()
    return ok({"img_urls": urls})


@bp.put("/houses/<int:house_id>/publication")
@bp.input(PublicationIn)
@bp.output(PublicationOut)
@bp.doc(summary="Publish or unpublish a house", description="The owner only. An unpublished house leaves search, "
        "the home list and favourites lists, cannot be booked (POST /orders answers 404/4002), and its detail "
        "answers 404 to everyone but its owner and administrators, until it is published again.",
        responses={401: NOT_LOGGED_IN, 403: "4105: not the owner", 404: "4002: no such house"})
def set_publication(house_id: int, json_data: PublicationIn):
    published = service.set_publication(house_id=house_id, user_id=require_user_id(), published=json_data.published)
    db.session.commit()
    return ok({"published": published})


@bp.get("/user/houses")
@bp.output(MyHousesOut)
@bp.doc(summary="My houses", description="The logged-in user's houses, newest first.",
        responses={401: NOT_LOGGED_IN})
def user_houses():
    return ok({"houses": service.list_user_houses(user_id=require_user_id())})


@bp.get("/houses/index")
@bp.output(list[HouseSummaryOut])  # type: ignore[arg-type]
@bp.doc(summary="Home page houses", description="Up to 5 houses with a photo, most booked first (cached).")
def index_houses():
    return ok(service.list_index_houses())


@bp.get("/houses/<int:house_id>")
@bp.output(HouseDetailPageOut)
@bp.doc(summary="A house", description="The detail of a house (cached); user_id is the viewer's id or -1.",
        responses={404: "4002: no such house, or one hidden from the public (unpublished by its owner, unlisted "
                        "by an administrator, or its host suspended) and the viewer is neither its owner nor an "
                        "administrator"})
def house_detail(house_id: int):
    detail = service.get_house_detail(house_id=house_id, viewer_id=current_user_id())
    house_viewed.send(current_app._get_current_object(), house_id=house_id)  # type: ignore[attr-defined]
    return ok(detail)


@bp.get("/houses")
@bp.input(SearchQuery, location="query")
@bp.output(SearchOut)
@bp.doc(summary="Search houses",
        description="Houses of a district free for the stay [sd, ed) whose min/max days allow it, with room for "
                    "`guests`, a base price in [min_price, max_price], every facility of `fac` and the keyword `q` "
                    "in the title, address or description; sorted and paged (IHOME_PAGE_SIZE per page; cached). "
                    "`total` counts the matching houses. A page past the last has no houses.",
        responses={400: "4103: bad district, dates, sort, page, guests, min_price, max_price, fac or q; "
                        "data.fields says which"})
def search(query_data: SearchQuery):
    found = service.search_houses(area_id=query_data.aid, start=query_data.sd, end=query_data.ed,
                                  sort=query_data.sk, page=query_data.p, guests=query_data.guests,
                                  min_price=query_data.min_price, max_price=query_data.max_price,
                                  fac=query_data.fac, q=query_data.q)
    search_performed.send(current_app._get_current_object(), aid=query_data.aid)  # type: ignore[attr-defined]
    return ok(found)


def register(app: APIFlask) -> None:
    from ihome.houses import calendar_api

    app.register_blueprint(bp)
    cache.subscribe()
    calendar_api.register(app)
