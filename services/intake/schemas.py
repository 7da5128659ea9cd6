"""Intake's request and response schemas (walking skeleton)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ChildPartSchema(Schema):
    given_name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    family_name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.Str(required=True, validate=validate.OneOf(("female", "male")))
    date_of_birth = fields.Date(required=True)
    district_code = fields.Str(required=True, validate=validate.Length(min=1, max=50))


class GuardianPartSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.Str(required=True, validate=validate.Length(min=9, max=20))
    language = fields.Str(load_default="tg", validate=validate.OneOf(("tg", "ru")))
    sms_consent = fields.Bool(load_default=True)


class ChildCreateSchema(Schema):
    child = fields.Nested(ChildPartSchema, required=True)
    guardian = fields.Nested(GuardianPartSchema, required=True)


class ActorSchema(Schema):
    sub = fields.Str()
    role = fields.Str()


class ChildSchema(Schema):
    id = fields.Str()
    child = fields.Dict()
    guardian = fields.Dict()
    registered_by = fields.Nested(ActorSchema)
    registered_at = fields.AwareDateTime()
