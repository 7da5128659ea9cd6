"""Payload schemas of every event type, version 1 (contract §4).

Producers are held to these exactly (an unknown field is refused on publish, so personal data
cannot leak into an event by accident); consumers tolerate fields added later.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared import codes, vocabulary
from shared.vocabulary import (
    CFM_DOMAINS,
    COMPLIANCE_LEVELS,
    CONTRACT_STATUSES,
    LANGUAGES,
    PRIORITIES,
    SERVICE_TYPES,
    SEXES,
)

# The roles that act on children and so appear in events; partners and inspectors only read.
ROLES = tuple(role for role in vocabulary.ROLES if role not in ("partner", "inspector"))
DECLINE_REASONS = tuple(codes.DECLINE_REASONS)
NOTIFICATION_STATUSES = ("pending", "held", "sent", "delivered", "failed", "cancelled")

_id = validate.Length(min=1, max=100)
_short = validate.Length(max=200)


class Strict(Schema):
    """A payload part: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class ChildPart(Strict):
    given_name = fields.Str(required=True, validate=_short)
    family_name = fields.Str(required=True, validate=_short)
    patronymic = fields.Str(load_default=None, allow_none=True, validate=_short)
    sex = fields.Str(required=True, validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date(required=True)
    district_code = fields.Str(required=True, validate=_id)
    jamoat = fields.Str(load_default=None, allow_none=True, validate=_short)
    village = fields.Str(load_default=None, allow_none=True, validate=_short)


class GuardianPart(Strict):
    name = fields.Str(required=True, allow_none=True, validate=_short)
    relationship = fields.Str(required=True, allow_none=True, validate=_short)
    phone = fields.Str(required=True, allow_none=True, validate=validate.Length(max=20))
    sms_capable = fields.Bool(load_default=True)
    language = fields.Str(required=True, validate=validate.OneOf(LANGUAGES))
    sms_consent = fields.Bool(required=True)


class ConsentPart(Strict):
    data_sharing = fields.Bool(required=True)
    given_by = fields.Str(load_default=None, allow_none=True, validate=_short)
    recorded_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ScreeningPart(Strict):
    concerns = fields.List(fields.Str(validate=validate.OneOf(CFM_DOMAINS)), required=True)
    urgent = fields.Bool(required=True)
    # A code: the worker's own words stay in intake.
    urgent_reason = fields.Str(
        load_default=None, allow_none=True, validate=validate.OneOf(codes.URGENT_REASONS)
    )
    source = fields.Str(load_default=None, allow_none=True, validate=_short)


class ActorPart(Strict):
    sub = fields.Str(required=True, validate=_id)
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))


class ChildRegistered(Strict):
    child_id = fields.Str(required=True, validate=_id)
    child = fields.Nested(ChildPart, required=True)
    guardian = fields.Nested(GuardianPart, required=True)
    consent = fields.Nested(ConsentPart, required=True)
    screening = fields.Nested(ScreeningPart, required=True)
    registered_by = fields.Nested(ActorPart, required=True)
    registered_at = fields.AwareDateTime(required=True)


class ChildChanges(Strict):
    child = fields.Nested(ChildPart(partial=True))
    guardian = fields.Nested(GuardianPart(partial=True))
    consent = fields.Nested(ConsentPart(partial=True))
    screening = fields.Nested(ScreeningPart(partial=True))


class ChildUpdated(Strict):
    child_id = fields.Str(required=True, validate=_id)
    changes = fields.Nested(ChildChanges, required=True)
    changed_fields = fields.List(fields.Str(), load_default=list)
    updated_by = fields.Nested(ActorPart, load_default=None, allow_none=True)


class CorrectedPart(Strict):
    sex = fields.Str(validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date()
    district_code = fields.Str(validate=_id)


class ChildCorrected(Strict):
    """Registration facts set right (1.1): what they are now and what they were."""

    child_id = fields.Str(required=True, validate=_id)
    changes = fields.Nested(CorrectedPart, required=True)
    previous = fields.Nested(CorrectedPart, load_default=None, allow_none=True)
    corrected_by = fields.Nested(ActorPart, load_default=None, allow_none=True)
    corrected_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ChildMerged(Strict):
    """Two registrations of one child (1.1): `child_id` lives on as `into`."""

    child_id = fields.Str(required=True, validate=_id)
    into = fields.Str(required=True, validate=_id)
    merged_by = fields.Nested(ActorPart, load_default=None, allow_none=True)
    merged_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ChildConsentWithdrawn(Strict):
    child_id = fields.Str(required=True, validate=_id)
    withdrawn_at = fields.AwareDateTime(load_default=None, allow_none=True)


class AssessmentScheduled(Strict):
    assessment_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    scheduled_for = fields.AwareDateTime(required=True)
    place = fields.Str(required=True, validate=_short)
    place_type = fields.Str(load_default=None, allow_none=True, validate=_short)
    rescheduled = fields.Bool(load_default=False)


class AssessmentCompleted(Strict):
    assessment_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    age_group = fields.Str(required=True, validate=_short)
    instrument = fields.Str(load_default=None, allow_none=True, validate=_short)
    domains = fields.Dict(keys=fields.Str(), values=fields.Dict(), required=True)
    functional_difficulty = fields.Bool(required=True)
    priority = fields.Str(required=True, validate=validate.OneOf(PRIORITIES))
    recommended_service_types = fields.List(
        fields.Str(validate=validate.OneOf(SERVICE_TYPES)), required=True
    )
    rules = fields.List(fields.Raw(), load_default=list)
    overridden = fields.Bool(load_default=False)
    completed_at = fields.AwareDateTime(load_default=None, allow_none=True)
    district_code = fields.Str(load_default=None, allow_none=True, validate=_id)
    review = fields.Bool(load_default=False)


class ProviderContact(Strict):
    name = fields.Str(required=True, validate=_short)
    # The name in Tajik and in Russian, for families' SMS in their language (absent: `name`).
    name_tg = fields.Str(load_default=None, allow_none=True, validate=_short)
    name_ru = fields.Str(load_default=None, allow_none=True, validate=_short)
    phone = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=20))
    address = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=300))
    language = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))


class _Referral(Strict):
    referral_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    provider_id = fields.Str(load_default=None, allow_none=True, validate=_id)
    service_type = fields.Str(
        load_default=None, allow_none=True, validate=validate.OneOf(SERVICE_TYPES)
    )


class ReferralSent(_Referral):
    provider_id = fields.Str(required=True, validate=_id)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    respond_by = fields.AwareDateTime(required=True)
    provider = fields.Nested(ProviderContact, load_default=None, allow_none=True)
    priority = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(PRIORITIES))
    automatic = fields.Bool(load_default=False)


class ReferralReminder(_Referral):
    respond_by = fields.AwareDateTime(required=True)
    provider = fields.Nested(ProviderContact, load_default=None, allow_none=True)


class ReferralAccepted(_Referral):
    provider = fields.Nested(ProviderContact, required=True)
    start_date = fields.Date(required=True)


class ReferralDeclined(_Referral):
    reason = fields.Str(required=True, validate=validate.OneOf(DECLINE_REASONS))


class ReferralExpired(_Referral):
    respond_by = fields.AwareDateTime(load_default=None, allow_none=True)


class ReferralStarted(_Referral):
    started_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ReferralCompleted(_Referral):
    outcome = fields.Str(required=True, validate=validate.OneOf(codes.COMPLETION_OUTCOMES))


class ReferralCancelled(_Referral):
    reason = fields.Str(required=True, validate=validate.OneOf(codes.CANCEL_REASONS))


class ReferralWaitlisted(Strict):
    child_id = fields.Str(required=True, validate=_id)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    position = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    region_code = fields.Str(load_default=None, allow_none=True, validate=_id)
    waitlist_entry_id = fields.Str(load_default=None, allow_none=True, validate=_id)


class ProviderInspected(Strict):
    inspection_id = fields.Str(required=True, validate=_id)
    provider_id = fields.Str(required=True, validate=_id)
    # Any of the six adopted specifications, not only the types children are referred to.
    service_type = fields.Str(required=True, validate=_id)
    inspected_on = fields.Date(required=True)
    standard_version = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    score = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    level = fields.Str(required=True, validate=validate.OneOf(COMPLIANCE_LEVELS))
    accredited = fields.Bool(required=True)
    open_actions = fields.Int(load_default=0, strict=True, validate=validate.Range(min=0))


class ContractTerms(Strict):
    contract_id = fields.Str(required=True, validate=_id)
    provider_id = fields.Str(required=True, validate=_id)
    commissioner = fields.Str(required=True, validate=_id)
    service_type = fields.Str(required=True, validate=_id)
    places = fields.Int(required=True, strict=True, validate=validate.Range(min=0))
    price_per_place_month = fields.Decimal(required=True, as_string=True, places=2)
    currency = fields.Str(required=True, validate=validate.Length(equal=3))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    districts = fields.List(fields.Str(validate=_id), required=True)
    status = fields.Str(required=True, validate=validate.OneOf(CONTRACT_STATUSES))
    revision = fields.Int(required=True, strict=True, validate=validate.Range(min=1))


class CarePlanReviewScheduled(Strict):
    plan_id = fields.Str(required=True, validate=_id)
    referral_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    provider_id = fields.Str(required=True, validate=_id)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    review_date = fields.Date(required=True)


class CarePlanReviewed(Strict):
    plan_id = fields.Str(required=True, validate=_id)
    referral_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    provider_id = fields.Str(required=True, validate=_id)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    reviewed_on = fields.Date(required=True)
    progress = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    domain_change = fields.Dict(keys=fields.Str(), values=fields.Str(), load_default=None,
                                allow_none=True)  # fmt: skip
    next_review_date = fields.Date(load_default=None, allow_none=True)


class NotificationStatus(Strict):
    notification_id = fields.Str(required=True, validate=_id)
    event_id = fields.Str(required=True, allow_none=True, validate=_id)
    child_id = fields.Str(load_default=None, allow_none=True, validate=_id)
    to = fields.Str(required=True, validate=validate.Length(max=20))
    status = fields.Str(required=True, validate=validate.OneOf(NOTIFICATION_STATUSES))
    recipient = fields.Str(load_default=None, allow_none=True, validate=_short)
    reason = fields.Str(load_default=None, allow_none=True, validate=_short)


class FamilyReplied(Strict):
    """A family's SMS that was not STOP/START, for the child's case manager (ids, not the text)."""

    message_id = fields.Str(required=True, validate=_id)
    child_id = fields.Str(required=True, validate=_id)
    district_code = fields.Str(load_default=None, allow_none=True, validate=_id)
    received_at = fields.AwareDateTime(required=True)


class FamilyReplyAnswered(Strict):
    """The case manager answered the family's replies (by SMS through notifications)."""

    child_id = fields.Str(required=True, validate=_id)
    message_ids = fields.List(fields.Str(validate=_id), required=True)
    notification_id = fields.Str(required=True, validate=_id)
