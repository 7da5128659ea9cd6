"""Contract schemas: places bought from a provider for a service type and period."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.quality.domain.contracts import period_problems
from services.quality.domain.standards import SERVICE_TYPES
from shared.districts import DISTRICTS
from shared.pagination import PageArgsSchema

known_district = validate.OneOf(sorted(DISTRICTS), error="Unknown district code.")
COMMISSIONERS = ("ministry", *sorted(DISTRICTS))


class ContractInputSchema(Schema):
    """A contract as the commissioner signs it."""

    reference = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    commissioner = fields.Str(
        required=True,
        validate=validate.OneOf(COMMISSIONERS, error="'ministry' or a district code."),
    )
    provider_id = fields.UUID(required=True)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    places = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10_000))
    price_per_place_month = fields.Decimal(
        required=True, places=2, as_string=True, validate=validate.Range(min=0, max=10_000_000)
    )
    currency = fields.Str(load_default="TJS", validate=validate.OneOf(("TJS",)))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    districts = fields.List(
        fields.Str(validate=known_district), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        problems = period_problems(start, end) if start and end else {}
        if problems:
            raise ValidationError(problems)


class ContractPatchSchema(Schema):
    """A change to a signed contract: more or fewer places, a new price, period or end."""

    places = fields.Int(strict=True, validate=validate.Range(min=0, max=10_000))
    price_per_place_month = fields.Decimal(
        places=2, as_string=True, validate=validate.Range(min=0, max=10_000_000)
    )
    end_date = fields.Date()
    districts = fields.List(fields.Str(validate=known_district), validate=validate.Length(min=1))
    status = fields.Str(validate=validate.OneOf(("active", "terminated")))

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.", "_schema")


class ContractSchema(Schema):
    """A contract with its monthly cost and total value."""

    id = fields.Str(required=True)
    reference = fields.Str(required=True)
    commissioner = fields.Str(required=True)
    provider_id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    places = fields.Int(required=True)
    price_per_place_month = fields.Decimal(as_string=True, required=True)
    currency = fields.Str(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    districts = fields.List(fields.Str(), required=True)
    status = fields.Str(required=True)
    revision = fields.Int(required=True)
    monthly_cost = fields.Decimal(as_string=True, required=True)
    total_value = fields.Decimal(as_string=True, required=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContractQueryArgsSchema(PageArgsSchema):
    provider_id = fields.UUID()
    service_type = fields.Str(validate=validate.OneOf(SERVICE_TYPES))
    status = fields.Str(validate=validate.OneOf(("active", "terminated")))
