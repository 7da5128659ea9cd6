"""Standard schemas: what the ministry sends for a new version, and what everyone reads."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.quality.domain.standards import SERVICE_TYPES
from shared.pagination import PageArgsSchema

service_type = validate.OneOf(SERVICE_TYPES)


class CriterionSchema(Schema):
    """One criterion and the indicators that show it is met."""

    code = fields.Str(
        required=True,
        validate=[
            validate.Length(min=1, max=40),
            validate.Regexp(r"^[A-Za-z0-9._-]+$", error="Letters, digits, dot, dash, underscore."),
        ],
    )
    text = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    indicators = fields.List(
        fields.Str(validate=validate.Length(min=1, max=1000)), load_default=list
    )


class StandardInputSchema(Schema):
    """A new version of a service type's standard."""

    service_type = fields.Str(required=True, validate=service_type)
    title = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    effective_from = fields.Date(required=True)
    criteria = fields.List(
        fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=200)
    )

    @validates_schema
    def _unique_codes(self, data: dict[str, Any], **_: Any) -> None:
        codes = [c["code"] for c in data.get("criteria", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Criterion codes must be unique.", "criteria")


class StandardSchema(Schema):
    """One version of a standard."""

    id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    version = fields.Int(required=True)
    title = fields.Str(required=True)
    effective_from = fields.Date(required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    created_at = fields.DateTime()


class StandardQueryArgsSchema(PageArgsSchema):
    """Filters: service type, and `on` for the version in force on a date."""

    service_type = fields.Str(validate=service_type)
    on = fields.Date()
