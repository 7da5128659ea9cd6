"""Provider directory schemas: what an admin sends and what everyone reads."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from services.referral.domain.matching import SERVICE_TYPES
from shared import phones
from shared.districts import DISTRICTS
from shared.fields import StrictBool
from shared.pagination import PageArgsSchema
from shared.vocabulary import PROVIDER_LANGUAGES

known_district = validate.OneOf(sorted(DISTRICTS), error="Unknown district code.")
service_type = validate.OneOf(SERVICE_TYPES)


def normalise_phone(value: str) -> str:
    """Return a Tajik phone number in E.164, or raise ValidationError saying what is wrong."""
    try:
        return phones.normalise_phone(value).e164
    except phones.InvalidPhone as exc:
        raise ValidationError(str(exc)) from exc


class ProviderInputSchema(Schema):
    """A provider as an admin describes it (POST; PATCH takes any subset)."""

    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    name_tg = fields.Str(
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The name in Tajik, as families' SMS in Tajik show it"},
    )
    name_ru = fields.Str(
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The name in Russian, as families' SMS in Russian show it"},
    )
    organisation = fields.Str(allow_none=True, validate=validate.Length(max=200))
    service_types = fields.List(
        fields.Str(validate=service_type), required=True, validate=validate.Length(min=1)
    )
    districts_served = fields.List(
        fields.Str(validate=known_district), required=True, validate=validate.Length(min=1)
    )
    district_code = fields.Str(allow_none=True, validate=known_district)
    address = fields.Str(allow_none=True, validate=validate.Length(max=300))
    phone = fields.Str(allow_none=True, validate=validate.Length(max=30))
    places = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10_000))
    min_age = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=0, max=17))
    max_age = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=0, max=17))
    languages = fields.List(fields.Str(validate=validate.OneOf(PROVIDER_LANGUAGES)))
    accessibility_notes = fields.Str(allow_none=True, validate=validate.Length(max=2000))
    accredited = StrictBool()
    last_inspection_date = fields.Date(allow_none=True)
    active = StrictBool()
    latitude = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))

    @validates_schema
    def _ages_in_order(self, data: dict[str, Any], **_: Any) -> None:
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be above max_age.", "min_age")

    @post_load
    def _normalise(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("phone"):
            try:
                data["phone"] = normalise_phone(data["phone"])
            except ValidationError as exc:
                raise ValidationError(exc.messages, "phone") from exc
        for name in ("service_types", "districts_served", "languages"):
            if name in data:
                data[name] = list(dict.fromkeys(data[name]))
        return data


class ProviderPatchSchema(ProviderInputSchema):
    """Any subset of a provider's fields (use with partial=True), but at least one."""

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.", "_schema")


class ProviderSchema(Schema):
    """A provider in the directory, with its places."""

    id = fields.Str(required=True)
    name = fields.Str(required=True)
    name_tg = fields.Str(allow_none=True)
    name_ru = fields.Str(allow_none=True)
    organisation = fields.Str(allow_none=True)
    service_types = fields.List(fields.Str(), required=True)
    districts_served = fields.List(fields.Str(), required=True)
    district_code = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    sms_capable = fields.Bool()
    places = fields.Int(required=True)
    places_taken = fields.Int(required=True)
    free_places = fields.Int(required=True)
    min_age = fields.Int(allow_none=True)
    max_age = fields.Int(allow_none=True)
    languages = fields.List(fields.Str())
    accessibility_notes = fields.Str(allow_none=True)
    accredited = fields.Bool()
    last_inspection_date = fields.Date(allow_none=True)
    compliance_score = fields.Float(allow_none=True)
    compliance_level = fields.Str(allow_none=True)
    active = fields.Bool()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ProviderQueryArgsSchema(PageArgsSchema):
    """Filters of the provider directory."""

    service_type = fields.Str(validate=service_type)
    district_code = fields.Str(validate=known_district)
    active = fields.Bool()
