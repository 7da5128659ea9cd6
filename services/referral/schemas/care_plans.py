"""Care plan schemas: goals with activities, reviews, closure with a coded outcome."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.referral.domain.care_plans import DOERS, PROGRESS
from shared.codes import COMPLETION_OUTCOMES
from shared.event_payloads import CFM_DOMAINS

_text = validate.Length(min=1, max=1000)


class ActivitySchema(Schema):
    activity = fields.Str(required=True, validate=_text)
    by = fields.Str(required=True, validate=validate.OneOf(DOERS))
    frequency = fields.Str(load_default="", validate=validate.Length(max=200))


class GoalSchema(Schema):
    """A goal in one functional domain of the assessment, and what is done towards it."""

    domain = fields.Str(required=True, validate=validate.OneOf(CFM_DOMAINS))
    goal = fields.Str(required=True, validate=_text)
    activities = fields.List(
        fields.Nested(ActivitySchema), required=True, validate=validate.Length(min=1, max=20)
    )


class CarePlanInputSchema(Schema):
    goals = fields.List(
        fields.Nested(GoalSchema), required=True, validate=validate.Length(min=1, max=20)
    )
    next_review_date = fields.Date(required=True)


class CarePlanRevisionSchema(CarePlanInputSchema):
    """The whole plan again, and the revision it replaces (refused if someone saved meanwhile)."""

    revision = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    # null when no more review is planned, as a review may leave it
    next_review_date = fields.Date(required=True, allow_none=True)


class ProgressSchema(Schema):
    goal = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=19))
    progress = fields.Str(required=True, validate=validate.OneOf(PROGRESS))
    note = fields.Str(load_default="", validate=validate.Length(max=1000))


class ReviewInputSchema(Schema):
    """A review: progress per goal, a re-assessment's id when one was done, the next date."""

    reviewed_on = fields.Date(required=True)
    progress = fields.List(fields.Nested(ProgressSchema), required=True)
    assessment_id = fields.Str(validate=validate.Length(min=1, max=100))
    next_review_date = fields.Date(allow_none=True)


class CloseInputSchema(Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(sorted(COMPLETION_OUTCOMES)))
    note = fields.Str(load_default="", validate=validate.Length(max=1000))


class ReviewSchema(Schema):
    id = fields.Str()
    reviewed_on = fields.Date()
    progress = fields.List(fields.Nested(ProgressSchema))
    assessment_id = fields.Str(allow_none=True)
    domain_change = fields.Dict(keys=fields.Str(), values=fields.Str(), allow_none=True)
    next_review_date = fields.Date(allow_none=True)
    plan_revision = fields.Int()
    goals = fields.List(fields.Nested(GoalSchema), metadata={
        "description": "the goals of the plan's revision this review marked, by index",
    })  # fmt: skip
    created_at = fields.DateTime()


class CarePlanSchema(Schema):
    id = fields.Str()
    referral_id = fields.Str()
    child_id = fields.Str()
    goals = fields.List(fields.Nested(GoalSchema))
    baseline_assessment_id = fields.Str(allow_none=True)
    next_review_date = fields.Date(allow_none=True)
    status = fields.Str()
    outcome = fields.Str(allow_none=True)
    close_note = fields.Str(allow_none=True)
    revision = fields.Int()
    reviews = fields.List(fields.Nested(ReviewSchema))
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
