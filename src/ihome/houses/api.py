"""The houses JSON API under /api/v1.0."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask

from ihome.core.responses import ok
from ihome.houses import reference
from ihome.houses.schemas import AreaOut, FacilityOut

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


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
