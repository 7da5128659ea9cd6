"""Contract schemas: places bought from a provider for a service type and period."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.quality.domain.contracts import period_problems
from services.quality.domain.standards import SERVICE_TYPES
from shared.districts import DISTRICTS
from shared.pagination import PageArgsSchema
from shared.vocabulary import CONTRACT_STATUSES

known_district = validate.OneOf(sorted(DISTRICTS), error="Unknown district code.")
COMMISSIONERS = ("ministry", *sorted(DISTRICTS))
MONEY_PATTERN = r"^[0-9]{1,8}([.][0-9]{1,2})?$"
MONEY_DOC = {"type": "string", "format": "decimal", "example": "850.00"}
MOST_PER_PLACE = Decimal(10_000_000)


class Money(fields.Decimal):
    """An amount in TJS written as the events carry it: a string such as "850.00".

    A number, an exponent or more than two decimals is refused, so what is stored is exactly
    what was written and the document describes what the API accepts.
    """

    def __init__(self, **kwargs: Any) -> None:
        doc = {**MONEY_DOC, "pattern": MONEY_PATTERN}
        super().__init__(places=2, as_string=True, metadata=doc, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not re.fullmatch(MONEY_PATTERN, value):
            raise ValidationError('An amount in TJS as a string, such as "850.00".')
        return super()._deserialize(value, attr, data, **kwargs)


def _at_most_per_place(value: Decimal) -> None:
    if value > MOST_PER_PLACE:
        raise ValidationError(f"At most {MOST_PER_PLACE} TJS a place a month.")


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
    price_per_place_month = Money(required=True, validate=_at_most_per_place)
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
    price_per_place_month = Money(validate=_at_most_per_place)
    end_date = fields.Date()
    districts = fields.List(fields.Str(validate=known_district), validate=validate.Length(min=1))
    status = fields.Str(validate=validate.OneOf(CONTRACT_STATUSES))

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
    price_per_place_month = fields.Decimal(as_string=True, required=True, metadata=MONEY_DOC)
    currency = fields.Str(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    districts = fields.List(fields.Str(), required=True)
    status = fields.Str(required=True)
    revision = fields.Int(required=True)
    monthly_cost = fields.Decimal(as_string=True, required=True, metadata=MONEY_DOC)
    total_value = fields.Decimal(as_string=True, required=True, metadata=MONEY_DOC)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContractQueryArgsSchema(PageArgsSchema):
    provider_id = fields.UUID()
    service_type = fields.Str(validate=validate.OneOf(SERVICE_TYPES))
    status = fields.Str(validate=validate.OneOf(CONTRACT_STATUSES))
