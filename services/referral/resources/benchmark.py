"""Monitoring for the ministry: provider benchmarking and district coverage."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from services.referral.domain.reports import ReportFilter
from services.referral.flows.benchmark import coverage_report, providers_report
from services.referral.flows.reporting import scope_from
from services.referral.schemas.reports import ReportQueryArgsSchema
from shared.auth import allow_roles, require_role
from shared.scope import district_set
from shared.vocabulary import SERVICE_TYPES
from shared.web import Blueprint, current_runtime, error

blp = Blueprint("benchmark", __name__, url_prefix="/reports", description="Monitoring")


class BenchmarkArgsSchema(ReportQueryArgsSchema):
    """The summary's scope and a service type."""

    service_type = fields.Str(validate=validate.OneOf(SERVICE_TYPES))


class BenchmarkSchema(Schema):
    """One row per provider (benchmarking) or per district (coverage)."""

    items = fields.List(fields.Dict())
    service_type = fields.Str(allow_none=True)


def _scope(args: dict) -> ReportFilter:
    principal = require_role("admin", "case_manager")
    districts = district_set(principal)
    district = args.get("district")
    if districts is not None and district is not None and district not in districts:
        error(403, "the report may cover only your districts", code="outside_your_districts")
    return scope_from(args.get("region"), district, args.get("from_"), args.get("to"), districts)


@blp.route("/providers")
class ProviderBenchmark(MethodView):
    @blp.arguments(BenchmarkArgsSchema, location="query")
    @blp.response(200, BenchmarkSchema)
    @allow_roles("admin", "case_manager")
    def get(self, args: dict):
        """Per provider: received, acceptance and decline rates, median days, occupancy."""
        scope = _scope(args)
        with current_runtime().unit_of_work() as uow:
            return providers_report(uow.session, scope, args.get("service_type"))


@blp.route("/coverage")
class Coverage(MethodView):
    @blp.arguments(BenchmarkArgsSchema, location="query")
    @blp.response(200, BenchmarkSchema)
    @allow_roles("admin", "case_manager")
    def get(self, args: dict):
        """Per district: children waiting, providers serving it, free places, gaps."""
        scope = _scope(args)
        runtime = current_runtime()
        with runtime.unit_of_work() as uow:
            return coverage_report(uow.session, runtime.now(), scope, args.get("service_type"))
