"""The ministry summary's query and response."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.referral.schemas.providers import known_district
from shared.districts import REGIONS


class ReportQueryArgsSchema(Schema):
    """Scope of the summary: region, district and a period of dates (inclusive)."""

    region = fields.Str(validate=validate.OneOf(sorted(REGIONS)))
    district = fields.Str(validate=known_district)
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    format = fields.Str(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))

    @validates_schema
    def _period_in_order(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("Must not be before 'from'.", "to")


class SummarySchema(Schema):
    """Every stage per district, referrals, provider answers, deadlines, waiting and gaps."""

    scope = fields.Dict()
    generated_at = fields.DateTime()
    stages = fields.Dict(
        required=True, metadata={"description": "Children at each stage in the scope and period"}
    )
    waiting_for_assessment_days = fields.Dict(required=True)
    median_days_between_stages = fields.Dict(required=True)
    districts = fields.List(
        fields.Dict(), required=True, metadata={"description": "The same figures per district"}
    )
    referrals = fields.Dict(required=True)
    providers = fields.List(fields.Dict(), required=True)
    median_days = fields.Dict(required=True)
    answered_within_deadline = fields.Dict(required=True)
    waiting_list = fields.List(fields.Dict(), required=True)
    coverage_gaps = fields.List(fields.Dict(), required=True)
