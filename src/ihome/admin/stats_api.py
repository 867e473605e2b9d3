"""The statistics JSON API under /api/v1.0/admin/stats: administrators only (401 anonymous, 403 others)."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from flask import Response

from ihome.admin import reports, stats
from ihome.admin.access import admin_required
from ihome.admin.schemas import (
    DistrictsOut,
    ExportQuery,
    RangeQuery,
    SummaryOut,
    SummaryQuery,
    TimeseriesOut,
    TimeseriesQuery,
)
from ihome.core.responses import ok

bp = APIBlueprint("admin_stats_api", __name__, url_prefix="/api/v1.0/admin/stats", tag="Administration")
ERRORS = {400: "4103: bad dates (end before start, more than 366 days), district, metric, interval or report",
          401: "4101: not logged in", 403: "4105: not an administrator"}


@bp.get("/summary")
@admin_required
@bp.input(SummaryQuery, location="query")
@bp.output(SummaryOut)
@bp.doc(summary="Summary figures", description="Every figure of the inclusive date range (marketplace time zone), "
        "optionally of one district. Money in fen; see the README's Administration section.", responses=ERRORS)
def summary(query_data: SummaryQuery):
    return ok(stats.summary(start=query_data.start, end=query_data.end, aid=query_data.aid))


@bp.get("/timeseries")
@admin_required
@bp.input(TimeseriesQuery, location="query")
@bp.output(TimeseriesOut)
@bp.doc(summary="A figure over time", description="One point per day, week (Monday to Sunday) or month of the "
        "range, zeros included; rates are null where their denominator is 0.", responses=ERRORS)
def timeseries(query_data: TimeseriesQuery):
    return ok(stats.timeseries(metric=query_data.metric, start=query_data.start, end=query_data.end,
                               interval=query_data.interval, aid=query_data.aid))


@bp.get("/districts")
@admin_required
@bp.input(RangeQuery, location="query")
@bp.output(DistrictsOut)
@bp.doc(summary="Figures per district", responses=ERRORS)
def districts(query_data: RangeQuery):
    return ok(stats.districts(start=query_data.start, end=query_data.end))


@bp.get("/export.csv")
@admin_required
@bp.input(ExportQuery, location="query")
@bp.doc(summary="CSV export", description="report = daily | districts | houses: text/csv, UTF-8 with a BOM "
        "(Excel opens Chinese text), a header row.",
        responses={200: {"description": "the CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}},
                   **ERRORS})  # type: ignore[arg-type]
def export_csv(query_data: ExportQuery):
    text = reports.export(report=query_data.report, start=query_data.start, end=query_data.end, aid=query_data.aid)
    filename = f"ihome-{query_data.report}-{query_data.start}-{query_data.end}.csv"
    return Response(text.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
