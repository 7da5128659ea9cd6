"""Monitoring for the ministry: the report of every stage, commissioning and outcomes."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from services.referral.domain.report_table import stage_sheet
from services.referral.flows import commissioning
from services.referral.flows.outcomes import outcomes
from services.referral.flows.reporting import scope_from, summary
from services.referral.schemas.commissioning import (
    CommissioningQueryArgsSchema,
    CommissioningSchema,
    OutcomesSchema,
)
from services.referral.schemas.reports import ReportQueryArgsSchema, SummarySchema
from services.referral.settings import local_today
from shared.auth import allow_roles, require_role
from shared.scope import district_set
from shared.spreadsheets import XLSX_MIMETYPE as XLSX
from shared.spreadsheets import tables_to_csv, to_csv, to_xlsx
from shared.web import Blueprint, current_runtime, error

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
        districts = district_set(principal)
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
            return _download(to_xlsx([stage_sheet(body)]), XLSX, "xlsx")
        if args["format"] == "csv" or _prefers_csv():
            return _download(to_csv(stage_sheet(body)), "text/csv", "csv")
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


@blp.route("/commissioning")
class Commissioning(MethodView):
    @blp.arguments(CommissioningQueryArgsSchema, location="query")
    @blp.response(200, CommissioningSchema)
    @allow_roles("admin")
    def get(self, args: dict):
        """Funded places against places used, cost per child, unmet demand (JSON, CSV, XLSX)."""
        require_role("admin")
        runtime = current_runtime()
        with runtime.unit_of_work() as uow:
            body = commissioning.report(uow.session, args.get("on") or local_today(runtime.now()))
        if args["format"] == "json":
            return body
        sheets = commissioning.tables(body)
        data, mimetype = (
            (tables_to_csv(sheets), "text/csv; charset=utf-8")
            if args["format"] == "csv"
            else (to_xlsx(sheets), XLSX)
        )
        name = f"commissioning-{body['on']}.{args['format']}"
        disposition = f'attachment; filename="{name}"'
        return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


@blp.route("/outcomes")
class Outcomes(MethodView):
    @blp.response(200, OutcomesSchema)
    @allow_roles("admin")
    def get(self):
        """Completed services by service type and provider, counted per coded outcome."""
        require_role("admin")
        with current_runtime().unit_of_work() as uow:
            return outcomes(uow.session)
