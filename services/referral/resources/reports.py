"""Monitoring for the ministry: the referral summary as JSON or CSV."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.referral.domain.report_table import render_stage_csv, render_stage_xlsx
from services.referral.flows.reporting import scope_from, summary
from services.referral.schemas.reports import ReportQueryArgsSchema, SummarySchema
from shared.auth import allow_roles, require_role
from shared.web import current_runtime, error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
blp = Blueprint("reports", __name__, url_prefix="/reports", description="Monitoring")


@blp.route("/summary")
class Summary(MethodView):
    @blp.arguments(ReportQueryArgsSchema, location="query")
    @blp.response(200, SummarySchema)
    @blp.doc(
        responses={
            "200": {
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                }
            }
        }
    )
    @allow_roles("admin", "case_manager")
    def get(self, args: dict):
        """Summarise every stage per district, referrals, waiting and gaps (JSON, CSV or XLSX)."""
        principal = require_role("admin", "case_manager")
        districts = None if principal.is_admin else frozenset(principal.districts)
        district = args.get("district")
        if districts is not None and district is not None and district not in districts:
            error(403, "the report may cover only your districts", code="outside_your_districts")
        scope = scope_from(
            args.get("region"), district, args.get("from_"), args.get("to"), districts
        )
        runtime = current_runtime()
        with runtime.unit_of_work() as uow:
            body = summary(uow.session, runtime.now(), scope)
        if args["format"] == "xlsx":
            return _download(render_stage_xlsx(body), XLSX, "xlsx")
        if args["format"] == "csv" or _prefers_csv():
            return _download(render_stage_csv(body), "text/csv", "csv")
        return body


def _download(data: bytes, mimetype: str, extension: str) -> Response:
    disposition = f'attachment; filename="report-by-district.{extension}"'
    response = Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})
    if mimetype == "text/csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


def _prefers_csv() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv" and "format" not in request.args
