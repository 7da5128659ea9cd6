"""Referral, transition, waiting-list, need and match schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.referral.domain.matching import SERVICE_TYPES
from services.referral.domain.states import DeclineReason, Status
from services.referral.schemas.providers import ProviderSchema
from shared.fields import StrictBool
from shared.pagination import PageArgsSchema

service_type = validate.OneOf(SERVICE_TYPES)


class ReferralCreateSchema(Schema):
    """A case manager refers a child to a provider for a service type."""

    child_id = fields.UUID(required=True)
    provider_id = fields.UUID(required=True)
    service_type = fields.Str(required=True, validate=service_type)


class AcceptSchema(Schema):
    start_date = fields.Date(required=True)


class DeclineSchema(Schema):
    reason = fields.Str(required=True, validate=validate.OneOf([r.value for r in DeclineReason]))
    note = fields.Str(load_default="", validate=validate.Length(max=1000))


class StartSchema(Schema):
    pass


class CompleteSchema(Schema):
    outcome = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "a code of completion outcomes, its label, or free text"},
    )


class CancelSchema(Schema):
    reason = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "a code of cancel reasons, its label, or free text"},
    )


class ReferralQueryArgsSchema(PageArgsSchema):
    """Filters of the referral list."""

    status = fields.Str(validate=validate.OneOf([s.value for s in Status]))
    child_id = fields.UUID()
    provider_id = fields.UUID()
    service_type = fields.Str(validate=service_type)


class ReferralChildSchema(Schema):
    """What the reader may see of the child (a provider sees names only after accepting)."""

    given_name = fields.Str(allow_none=True)
    family_name = fields.Str(allow_none=True)
    age_years = fields.Int(allow_none=True)
    district_code = fields.Str(allow_none=True)
    language = fields.Str(allow_none=True)


class GuardianContactSchema(Schema):
    name = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)


class ReferralSchema(Schema):
    """A referral and where its loop stands."""

    id = fields.Str(required=True)
    child_id = fields.Str(required=True)
    provider_id = fields.Str(required=True)
    provider_name = fields.Str()
    service_type = fields.Str(required=True)
    status = fields.Str(required=True)
    fhir_status = fields.Str(required=True)
    allowed_actions = fields.List(fields.Str())
    priority = fields.Str()
    automatic = fields.Bool()
    sent_at = fields.DateTime()
    respond_by = fields.DateTime(required=True)
    answered_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    start_date = fields.Date(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    outcome = fields.Str(allow_none=True)
    decline_reason = fields.Str(allow_none=True)
    decline_note = fields.Str(allow_none=True)
    expired_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.Str(allow_none=True)
    outcome_note = fields.Str(allow_none=True)
    cancel_note = fields.Str(allow_none=True)
    child = fields.Nested(ReferralChildSchema)
    guardian = fields.Nested(GuardianContactSchema, allow_none=True)


class WaitlistCreateSchema(Schema):
    """Put a child on the waiting list for a service type in the child's region."""

    child_id = fields.UUID(required=True)
    service_type = fields.Str(required=True, validate=service_type)


class WaitlistQueryArgsSchema(PageArgsSchema):
    service_type = fields.Str(validate=service_type)
    region_code = fields.Str()
    district_code = fields.Str()


class WaitlistEntrySchema(Schema):
    """A child waiting, with the position in the queue of its service type and region."""

    id = fields.Str(required=True)
    child_id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    region_code = fields.Str(required=True)
    district_code = fields.Str(required=True)
    priority = fields.Str(required=True)
    waiting_since = fields.DateTime(required=True)
    status = fields.Str(required=True)
    position = fields.Int(allow_none=True)


class NeedQueryArgsSchema(PageArgsSchema):
    child_id = fields.UUID()
    status = fields.Str(
        validate=validate.OneOf(("open", "referred", "waitlisted", "placed", "closed"))
    )
    service_type = fields.Str(validate=service_type)


class NeedSchema(Schema):
    """A child's need for a service type and how far it got."""

    id = fields.Str(required=True)
    child_id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    priority = fields.Str(required=True)
    status = fields.Str(required=True)
    district_code = fields.Str(allow_none=True)
    opened_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class MatchQueryArgsSchema(Schema):
    service_type = fields.Str(required=True, validate=service_type)
    include_ineligible = fields.Bool(load_default=False)


class MatchSchema(Schema):
    """One provider judged for the child, with the reasons."""

    rank = fields.Int(allow_none=True)
    eligible = fields.Bool(required=True)
    reasons = fields.List(fields.Str(), required=True)
    free_places = fields.Int(required=True)
    proximity = fields.Str(required=True)
    distance_km = fields.Float(allow_none=True)
    provider = fields.Nested(ProviderSchema, required=True)


class MatchesSchema(Schema):
    """Eligible providers best first; can_waitlist when none has a free place."""

    child_id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    items = fields.List(fields.Nested(MatchSchema), required=True)
    total = fields.Int(required=True)
    can_waitlist = StrictBool(required=True)
    ineligible = fields.List(fields.Nested(MatchSchema))
