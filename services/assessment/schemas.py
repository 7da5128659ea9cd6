"""Request and response schemas of the assessment API."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.assessment.domain.worklist import STATUSES
from shared.fields import StrictBool
from shared.pagination import PageArgsSchema
from shared.vocabulary import PLACE_TYPES, PRIORITIES, SERVICE_TYPES

LIST_STATUSES = (*STATUSES, "overdue")
_id = validate.Length(min=1, max=100)


class StrictSchema(Schema):
    """A request body: unknown fields are refused, never stored."""

    class Meta:
        unknown = RAISE


class AssessmentQueryArgsSchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(LIST_STATUSES))
    child_id = fields.Str(validate=_id)
    district_code = fields.Str(validate=_id)


class ReviewCreateSchema(StrictSchema):
    child_id = fields.Str(required=True, validate=_id)
    urgent = StrictBool(load_default=False)
    due_date = fields.Date(load_default=None, allow_none=True)


class ScheduleSchema(StrictSchema):
    scheduled_for = fields.AwareDateTime(
        required=True, metadata={"description": "Date and time with offset (Asia/Dushanbe +05:00)"}
    )
    place = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Where: 'home visit', a centre or a clinic (name or address)"},
    )
    place_type = fields.Str(
        load_default=None, allow_none=True, validate=validate.OneOf(PLACE_TYPES)
    )


class FamilyContextSchema(StrictSchema):
    caregiver_at_home = StrictBool(load_default=None, allow_none=True)
    other_children_with_disabilities = StrictBool(load_default=None, allow_none=True)
    travel_minutes_to_day_care = fields.Int(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=1440)
    )
    protection_concern = StrictBool(load_default=False)
    receives_social_assistance = StrictBool(load_default=None, allow_none=True)
    residential_justification = fields.Str(
        load_default=None, allow_none=True, validate=validate.Length(max=2000)
    )


class OverrideSchema(StrictSchema):
    priority = fields.Str(validate=validate.OneOf(PRIORITIES))
    service_types = fields.List(
        fields.Str(validate=validate.OneOf(SERVICE_TYPES)), validate=validate.Length(max=3)
    )
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class CompleteSchema(StrictSchema):
    answers = fields.Dict(
        keys=fields.Str(validate=validate.Length(max=40)),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": "Answer codes keyed by question code: CF1…CF16 (ages 2–4), CF1…CF24 "
            "(5–17), or the domain names with 1–4 (clinical judgement under 2)"
        },
    )
    family_context = fields.Nested(FamilyContextSchema, load_default=dict)
    notes = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    assessed_on = fields.Date(load_default=None, allow_none=True)
    override = fields.Nested(OverrideSchema, load_default=None, allow_none=True)


class ChildSummarySchema(Schema):
    given_name = fields.Str(allow_none=True)
    family_name = fields.Str(allow_none=True)
    patronymic = fields.Str(allow_none=True)
    sex = fields.Str(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    age_years = fields.Int(allow_none=True)
    age_months = fields.Int(allow_none=True)
    district_code = fields.Str(allow_none=True)
    jamoat = fields.Str(allow_none=True)
    village = fields.Str(allow_none=True)
    erased = StrictBool()


class ScreeningSchema(Schema):
    concerns = fields.List(fields.Str())
    urgent = StrictBool()


class GuardianSchema(Schema):
    name = fields.Str(allow_none=True)
    relationship = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    language = fields.Str(allow_none=True)


class AssessmentSchema(Schema):
    """An assessment as the worklist shows it."""

    id = fields.Str(required=True)
    unanswered_replies = fields.Int(
        metadata={"description": "The family's SMS replies the case manager has not answered"}
    )
    child_id = fields.Str(required=True)
    district_code = fields.Str()
    status = fields.Str(required=True)
    overdue = fields.Bool()
    urgent = fields.Bool()
    review = fields.Bool()
    due_date = fields.Date()
    waiting_since = fields.AwareDateTime()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    scheduled_for = fields.AwareDateTime(allow_none=True)
    place = fields.Str(allow_none=True)
    place_type = fields.Str(allow_none=True)
    instrument = fields.Str(allow_none=True)
    child = fields.Nested(ChildSummarySchema)
    screening = fields.Nested(ScreeningSchema)
    assessed_on = fields.Date(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    priority = fields.Str(allow_none=True)
    functional_difficulty = fields.Bool(allow_none=True)
    recommended_service_types = fields.List(fields.Str(), allow_none=True)
    cancelled_reason = fields.Str(allow_none=True)


class AssessmentDetailSchema(AssessmentSchema):
    """One assessment in full, for the case manager."""

    guardian = fields.Nested(GuardianSchema)
    answers = fields.Dict(allow_none=True)
    family_context = fields.Dict(allow_none=True)
    notes = fields.Str(allow_none=True)
    result = fields.Dict(allow_none=True)
    review_of = fields.Str(allow_none=True)
    superseded = StrictBool()


class QuestionSchema(Schema):
    code = fields.Str()
    text = fields.Str()
    codes = fields.List(fields.Int())
    labels = fields.Dict(keys=fields.Str(), values=fields.Str())
    asked_if = fields.Dict(keys=fields.Str(), values=fields.List(fields.Int()))


class InstrumentSchema(Schema):
    name = fields.Str()
    age_group = fields.Str()
    min_age_years = fields.Int()
    max_age_years = fields.Int()
    clinical_judgement = StrictBool()
    walking_rule = fields.Str()
    questions = fields.List(fields.Nested(QuestionSchema))
    domains = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()))
