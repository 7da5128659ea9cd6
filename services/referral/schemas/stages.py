"""The query and answer of the stage of several children (no personal data)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.referral.domain.child_stage import TIMES

MAX_CHILDREN = 100


class StageQueryArgsSchema(Schema):
    """The children asked about: `child_id` repeated, 1 to 100 times."""

    child_id = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=MAX_CHILDREN)
    )


class ChildStageSchema(Schema):
    """One child's current stage and the first time of each stage (null when not reached)."""

    child_id = fields.Str(required=True)
    stage = fields.Str(
        required=True,
        metadata={"description": "registered, scheduled, assessed, referred, accepted, started, "
                  "completed, declined, expired or waitlisted"},
    )  # fmt: skip
    stages = fields.Dict(
        keys=fields.Str(validate=validate.OneOf(TIMES)),
        values=fields.DateTime(allow_none=True),
        required=True,
    )


class ChildStagesSchema(Schema):
    """The children in the caller's districts among those asked about; others are absent."""

    items = fields.List(fields.Nested(ChildStageSchema), required=True)
