"""Request and response models of the houses API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from apiflask.fields import UploadFile
from pydantic import BaseModel, ConfigDict, Field, JsonValue, RootModel, model_validator

from ihome.core.schema_types import at_most_items
from ihome.houses.presenters import money, star_count

MAX_FACILITY_IDS = 100  # far more than the facilities there are; a longer list is refused unread
MAX_IMAGE_IDS = 100  # more than a house's 30 photos; a longer list is refused unread
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PersonOut(BaseModel):
    user_id: int
    name: str
    avatar_url: str | None
    joined: date = Field(description="the day the account was created (marketplace time zone)")


class HostOut(PersonOut):
    response_rate: float | None = Field(description="of the booking requests of the last 90 days that the host "
                                                    "answered or let expire, the share answered (0..1, 4 "
                                                    "decimals); null when there were none")


class AreaOut(BaseModel):
    aid: int = Field(description="district id")
    aname: str = Field(description="district name in the request's language")


class FacilityOut(BaseModel):
    fid: int = Field(description="facility id")
    fname: str = Field(description="facility name in the request's language")
    icon: str | None = Field(default=None, description="icon name under /static/img/facilities/")


# ---- publish and edit ------------------------------------------------------------------------------------
# The body's fields are typed loosely on purpose: the service checks every rule and answers with a
# translated message per field; the JSON schema still documents the expected types.

def _doc(kind: str, description: str, **extra: JsonValue) -> Any:
    """Document a loosely typed field: null means "not given" (publish: the default; edit: unchanged)."""
    return Field(default=None, description=description, json_schema_extra={"type": [kind, "null"], **extra})


class HouseIn(BaseModel):
    """A house's fields. Publishing needs title, price, area_id and address; an edit sends any subset."""

    title: Any = _doc("string", "1–64 characters", maxLength=64, pattern=r"\S")
    price: Any = _doc("integer", "price per night in fen (0–100,000,000)", minimum=0, maximum=100_000_000)
    weekend_price: Any = _doc("integer", "price of Friday and Saturday nights in fen (0–100,000,000); null or "
                              "absent on publish: none (every night costs price); on an edit, absent keeps it and "
                              "null removes it", minimum=0, maximum=100_000_000)
    area_id: Any = _doc("integer", "district id (GET /areas)", minimum=1, maximum=2**31 - 1)
    address: Any = _doc("string", "1–512 characters", maxLength=512, pattern=r"\S")
    room_count: Any = _doc("integer", "rooms, 1–1,000 (default 1)", minimum=1, maximum=1_000)
    acreage: Any = _doc("integer", "square metres, 0–100,000 (default 0)", minimum=0, maximum=100_000)
    unit: Any = _doc("string", "layout, e.g. 2室1厅, ≤ 32 characters", maxLength=32)
    capacity: Any = _doc("integer", "guests, 1–1,000 (default 1)", minimum=1, maximum=1_000)
    beds: Any = _doc("string", "beds, ≤ 64 characters", maxLength=64)
    deposit: Any = _doc("integer", "deposit in fen (0–100,000,000, default 0)", minimum=0, maximum=100_000_000)
    min_days: Any = _doc("integer", "shortest stay in nights, 1–3,650 (default 1)", minimum=1, maximum=3_650)
    max_days: Any = _doc("integer", "longest stay in nights: 0 = no limit, else min_days–3,650", minimum=0,
                         maximum=3_650)
    cancellation_policy: Any = _doc("string", "flexible | moderate (default) | strict: what a guest's cancel of a "
                                    "paid stay refunds (see PUT /orders/{order_id}/status)",
                                    enum=["flexible", "moderate", "strict", None])
    description: Any = _doc("string", "what the host tells guests about the home, ≤ 2,000 characters, line breaks "
                            "kept (default empty)", maxLength=2_000)
    house_rules: Any = _doc("string", "house rules, ≤ 1,000 characters, line breaks kept (default empty)",
                            maxLength=1_000)
    check_in_time: Any = _doc("string", "check-in from, HH:MM (default 14:00)", pattern=CLOCK_PATTERN)
    check_out_time: Any = _doc("string", "check-out by, HH:MM (default 12:00)", pattern=CLOCK_PATTERN)
    facility: Annotated[Any, at_most_items(MAX_FACILITY_IDS)] = _doc(
        "array", "facility ids (GET /facilities)", items={"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        maxItems=MAX_FACILITY_IDS)


class HouseCreateIn(HouseIn):
    """Publishing: title, price, area_id and address are required (checked by the service, with messages)."""

    model_config = ConfigDict(json_schema_extra={"required": ["title", "price", "area_id", "address"]})


class HouseIdOut(BaseModel):
    house_id: int


class HouseImageIn(BaseModel):
    house_image: UploadFile = Field(description="a JPEG, PNG or WebP photo, ≤ IHOME_HOUSE_IMAGE_MAX_MB")


class HouseImageOut(BaseModel):
    image_url: str = Field(description="the detail-size photo's URL")


class NullOut(RootModel[None]):
    """No payload: ``data`` is null."""


class ImageOrderIn(BaseModel):
    image_ids: Annotated[list[int], at_most_items(MAX_IMAGE_IDS)] = Field(
        description="every photo id of the house (house detail's image_ids), each once, in the new order; "
                    "the first becomes the cover", max_length=MAX_IMAGE_IDS)


class ImageOrderOut(BaseModel):
    img_urls: list[str] = Field(description="detail-size photos, in the new gallery order")


class PublicationIn(BaseModel):
    published: bool = Field(description="true: the house is public again; false: hidden from search, lists, "
                                        "favourites and booking, its page 404 for everyone but its owner and "
                                        "administrators")


class PublicationOut(BaseModel):
    published: bool


# ---- reads -----------------------------------------------------------------------------------------------

class HouseSummaryOut(BaseModel):
    house_id: int
    title: str
    price: int = Field(description="fen per night")
    price_display: str = Field(description='the price as shown: "¥416", or "¥416.50" when there are fen')
    area_name: str = Field(description="district name in the request's language")
    address: str
    room_count: int
    order_count: int
    index_image_url: str | None = Field(description="the first photo's thumbnail, or null")
    create_time: str = Field(description="ISO 8601, UTC")
    avg_rating: float | None = Field(description="1–5, or null before the first review")
    stars: int = Field(description="whole stars to show (0–5): avg_rating rounded half up, 0 before a review")

    @model_validator(mode="before")
    @classmethod
    def _display_fields(cls, data: Any) -> Any:
        """A summary cached before the display fields existed gets them here, by the same rules."""
        if isinstance(data, dict) and not {"price_display", "stars"} <= data.keys():
            data = {**data, "price_display": money(data.get("price")), "stars": star_count(data.get("avg_rating"))}
        return data
    user_avatar: str | None = Field(description="the host's avatar URL, or null")


class CommentOut(BaseModel):
    user_name: str
    comment: str
    rating: int | None
    ctime: str = Field(description="when the guest commented, ISO 8601, UTC")
    reply: str | None = Field(default=None, description="the host's answer to this review, or null")


class HouseDetailOut(HouseSummaryOut):
    user_id: int = Field(description="the host's id")
    user_name: str = Field(description="the host's name")
    acreage: int
    unit: str
    capacity: int
    beds: str
    deposit: int = Field(description="fen")
    weekend_price: int | None = Field(default=None, description="fen, the price of Friday and Saturday nights; "
                                                                "null: they cost price")
    weekend_price_display: str | None = Field(default=None, description='weekend_price as shown ("¥416"), or null')
    min_days: int
    max_days: int = Field(description="0 = no limit")
    cancellation_policy: Literal["flexible", "moderate", "strict"] = Field(
        default="moderate", description="what a guest's cancel of a paid stay refunds; copied onto each booking")
    description: str = Field(description="≤ 2,000 characters; line breaks are \\n")
    house_rules: str = Field(description="≤ 1,000 characters; line breaks are \\n")
    check_in_time: str = Field(description="check-in from, HH:MM")
    check_out_time: str = Field(description="check-out by, HH:MM")
    published: bool = Field(description="the owner's flag; only the owner and administrators ever see false")
    image_ids: list[int] = Field(description="the photos' ids, in gallery order (for DELETE and PUT .../images)")
    img_urls: list[str] = Field(description="detail-size photos, in gallery order")
    thumb_urls: list[str] = Field(description="the same photos as list thumbnails")
    facilities: list[int] = Field(description="facility ids")
    host: HostOut = Field(description="the host's public card; response_rate as of the cached detail")
    comments: list[CommentOut] = Field(description="the newest 30 public comments (reviews are double-blind)")


class HouseDetailPageOut(BaseModel):
    user_id: int = Field(description="the viewer's id, or -1 when not logged in")
    house: HouseDetailOut


class MyHouseOut(HouseSummaryOut):
    published: bool = Field(description="the owner's flag (PUT /houses/{house_id}/publication)")
    listed: bool = Field(description="false when an administrator unlisted the house")


class UserHousesOut(BaseModel):
    houses: list[HouseSummaryOut]


class MyHousesOut(BaseModel):
    houses: list[MyHouseOut]


class SearchQuery(BaseModel):
    """Raw strings: the service checks them and answers 4103 with a translated message per field."""

    aid: str | None = Field(default=None, description="district id; empty or absent = every district")
    sd: str | None = Field(default=None, description="check-in date YYYY-MM-DD, today or later")
    ed: str | None = Field(default=None, description="check-out date YYYY-MM-DD, after sd, at most 366 nights")
    sk: str | None = Field(default="new", description="new (default) | booking | price-inc | price-des",
                           json_schema_extra={"enum": ["new", "booking", "price-inc", "price-des"]})
    p: str | None = Field(default="1", description="page number from 1")
    guests: str | None = Field(default=None,
                               description="number of guests 1–1000: houses whose capacity is at least this")
    min_price: str | None = Field(default=None, description="lowest base nightly price, fen, inclusive")
    max_price: str | None = Field(default=None,
                                  description="highest base nightly price, fen, inclusive, >= min_price")
    fac: str | None = Field(default=None, description="comma-separated facility ids (GET /facilities), at most 50: "
                                                       "every one must be present")
    q: str | None = Field(default=None, description="keyword, 1–50 characters after trimming spaces: a "
                                                     "case-insensitive substring of the title, the address or "
                                                     "the description, Chinese included; empty = no keyword")


class SearchOut(BaseModel):
    total_page: int = Field(description="pages of results (0 when nothing matches)")
    current_page: int
    total: int = Field(description="how many houses match")
    houses: list[HouseSummaryOut]
