"""Inspection and required-action schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.quality.domain.scoring import LEVELS, RATINGS
from services.quality.domain.standards import SERVICE_TYPES
from shared.pagination import PageArgsSchema


class FindingSchema(Schema):
    """How one criterion was found, and the evidence for it."""

    criterion = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    rating = fields.Str(required=True, validate=validate.OneOf(RATINGS))
    evidence = fields.Str(required=True, validate=validate.Length(min=1, max=4000))


class ActionInputSchema(Schema):
    """Something the provider must put right by a date."""

    criterion = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    description = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    due_date = fields.Date(required=True)


class InspectionInputSchema(Schema):
    """An inspector's record of a visit."""

    provider_id = fields.UUID(required=True)
    service_type = fields.Str(required=True, validate=validate.OneOf(SERVICE_TYPES))
    inspected_on = fields.Date(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)
    required_actions = fields.List(fields.Nested(ActionInputSchema), load_default=list)


class ActionSchema(Schema):
    """A required action and where it stands."""

    id = fields.Str(required=True)
    inspection_id = fields.Str(required=True)
    provider_id = fields.Str(required=True)
    criterion = fields.Str(required=True)
    description = fields.Str(required=True)
    due_date = fields.Date(required=True)
    status = fields.Str(required=True)
    overdue = fields.Bool(required=True)
    response = fields.Str(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)
    follow_up_note = fields.Str(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class InspectionSchema(Schema):
    """An inspection with its score, level and actions."""

    id = fields.Str(required=True)
    provider_id = fields.Str(required=True)
    service_type = fields.Str(required=True)
    standard_id = fields.Str(required=True)
    standard_version = fields.Int(required=True)
    inspected_on = fields.Date(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)
    score = fields.Float(required=True)
    level = fields.Str(required=True, validate=validate.OneOf(LEVELS))
    accredited = fields.Bool(required=True)
    inspector = fields.Str(required=True)
    required_actions = fields.List(fields.Nested(ActionSchema), required=True)
    created_at = fields.DateTime()


class InspectionQueryArgsSchema(PageArgsSchema):
    provider_id = fields.UUID()
    service_type = fields.Str(validate=validate.OneOf(SERVICE_TYPES))


class ActionAnswerSchema(Schema):
    """The provider says what it did."""

    response = fields.Str(required=True, validate=validate.Length(min=1, max=4000))


class ActionFollowUpSchema(Schema):
    """The inspector closes an action as done, or reopens it with a new date."""

    outcome = fields.Str(required=True, validate=validate.OneOf(("done", "reopened")))
    note = fields.Str(load_default="", validate=validate.Length(max=4000))
    due_date = fields.Date()


class ActionQueryArgsSchema(PageArgsSchema):
    provider_id = fields.UUID()
    status = fields.Str(validate=validate.OneOf(("open", "answered", "done")))
