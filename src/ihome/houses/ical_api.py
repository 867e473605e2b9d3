"""The iCal sync JSON API under /api/v1.0: the owner's export URL and imports, and the calendar.ics itself."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import Response
from pydantic import BaseModel, Field, RootModel

from ihome.core.responses import ok
from ihome.core.security import login_required, require_user_id
from ihome.extensions import db
from ihome.houses import ical_service
from ihome.houses.ical_fetch import MAX_URL_LENGTH

bp = APIBlueprint("ical_api", __name__, url_prefix="/api/v1.0", tag="Houses")

OWNER_ERRORS = {401: "4101: not logged in", 403: "4105: not the owner", 404: "4002: no such house"}


class NullOut(RootModel[None]):
    """``data`` is null."""


class RangeOut(BaseModel):
    start_date: str = Field(description="the first night, YYYY-MM-DD")
    end_date: str = Field(description="the day after the last night (exclusive), YYYY-MM-DD")


class ConflictOut(BaseModel):
    order_id: int = Field(description="the iHome booking the imported range overlaps")
    order_start_date: str
    order_end_date: str
    busy_start_date: str = Field(description="the imported busy range [busy_start_date, busy_end_date)")
    busy_end_date: str
    event_uid: str = Field(description="the UID of the other calendar's event (to find it there), or empty")


class ImportOut(BaseModel):
    import_id: int
    url: str
    last_synced_at: str | None = Field(description="ISO 8601 UTC time of the last fetch that worked (its ranges "
                                                   "are the ones kept), or null")
    last_attempt_at: str | None = Field(description="ISO 8601 UTC time of the last fetch tried, or null")
    last_error: str | None = Field(description="why the last fetch failed, or null when it worked")
    busy_ranges: list[RangeOut] = Field(description="the nights this calendar holds, from today on")
    conflicts: list[ConflictOut] = Field(
        description="extra to API.md: busy ranges that overlap an active iHome booking (still to come or under "
                    "way). Both stay: the host settles them on the other site; nothing is dropped")


class IcalOut(BaseModel):
    export_url: str = Field(description="the secret calendar.ics address to give other sites")
    imports: list[ImportOut]


class ExportUrlOut(BaseModel):
    export_url: str


class ImportIn(BaseModel):
    url: Any = Field(default=None, description=f"http(s) address of another site's calendar (.ics), at most "
                                               f"{MAX_URL_LENGTH} characters; webcal:// is read as https://",
                     json_schema_extra={"type": "string", "maxLength": MAX_URL_LENGTH})


class ImportIdOut(BaseModel):
    import_id: int


class TokenQuery(BaseModel):
    # documented, not enforced: any wrong token, too long ones included, is the same 404
    token: str | None = Field(default=None, description="the secret of the export URL (43 characters); a wrong or "
                              "missing one is a 404", json_schema_extra={"maxLength": 128})


@bp.get("/houses/<int:house_id>/ical")
@login_required
@bp.output(IcalOut)
@bp.doc(summary="Calendar sync settings",
        description="The owner's export URL (its secret is made on the first call) and each imported calendar with "
                    "its last sync, last error, busy ranges and conflicts with iHome bookings.",
        responses=OWNER_ERRORS)
def overview(house_id: int):
    data = ical_service.ical_overview(house_id=house_id, user_id=require_user_id())
    db.session.commit()
    return ok(data)


@bp.post("/houses/<int:house_id>/ical/token")
@login_required
@bp.output(ExportUrlOut)
@bp.doc(summary="New export secret", description="A new calendar.ics URL; the old one answers 404 from now on.",
        responses=OWNER_ERRORS)
def rotate(house_id: int):
    url = ical_service.rotate_token(house_id=house_id, user_id=require_user_id())
    db.session.commit()
    return ok({"export_url": url})


@bp.post("/houses/<int:house_id>/ical/imports")
@login_required
@bp.input(ImportIn)
@bp.output(ImportIdOut, status_code=201)
@bp.doc(summary="Sync another site's calendar",
        description="Fetched at once (a background task), then every IHOME_ICAL_SYNC_MINUTES; its busy nights are "
                    "blocked like the host's own. At most 10 calendars per home.",
        responses={**OWNER_ERRORS,
                   400: "4103: not an http(s) URL of at most 2,000 characters, 10 calendars already, or (production) "
                        "an address that is private, loopback, link-local or reserved",
                   409: "4003: this URL is already synced with this home"})
def add(house_id: int, json_data: ImportIn):
    url = json_data.url if isinstance(json_data.url, str) else ""
    import_id = ical_service.add_import(house_id=house_id, user_id=require_user_id(), url=url)
    db.session.commit()
    return ok({"import_id": import_id}, 201)


@bp.delete("/houses/<int:house_id>/ical/imports/<int:import_id>")
@login_required
@bp.output(NullOut)
@bp.doc(summary="Stop syncing a calendar", description="The calendar and its busy nights go: those nights are free.",
        responses={**OWNER_ERRORS, 404: "4002: no such house, or no such calendar on it"})
def remove(house_id: int, import_id: int):
    ical_service.delete_import(house_id=house_id, user_id=require_user_id(), import_id=import_id)
    db.session.commit()
    return ok(None)


@bp.get("/houses/<int:house_id>/calendar.ics")
@bp.input(TokenQuery, location="query")
@bp.doc(summary="The house's calendar (iCalendar)",
        description="For other sites (Airbnb, Booking.com, Google Calendar): text/calendar (RFC 5545), one all-day "
                    "event per booked or blocked range (DTSTART;VALUE=DATE, DTEND exclusive), a UID stable per range, "
                    "no guest data. No login: the URL's secret is the key; a wrong or missing one is a 404, as for a "
                    "house that does not exist.",
        responses={200: {"description": "the calendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                   404: "4002: no such house, or a wrong or missing token"})  # type: ignore[arg-type]
def calendar_ics(house_id: int, query_data: TokenQuery):
    body = ical_service.export_calendar(house_id=house_id, token=query_data.token)
    return Response(body, content_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'inline; filename="ihome-{house_id}.ics"',
        "Cache-Control": "private, no-store",  # a secret URL: no shared cache keeps it
        "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"})


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
