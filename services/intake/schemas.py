"""Intake's request and response schemas; the rules themselves live in domain/."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from services.intake.domain.children import (
    LANGUAGES,
    RELATIONSHIPS,
    SCREENING_SOURCES,
    SEXES,
    screening_problems,
)
from services.intake.domain.names import FULL_NAME_MAX_LENGTH, InvalidName, validate_name
from shared.districts import DISTRICTS
from shared.fields import StrictBool
from shared.pagination import PageArgsSchema
from shared.phones import InvalidPhone, normalise_phone

CHANGEABLE = "This field cannot be changed."


class Name(fields.String):
    """A person's name: trimmed, whitespace-normalised, in Tajik, Russian or Latin letters."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if self.max_length:
                return validate_name(text, max_length=self.max_length)
            return validate_name(text)
        except InvalidName as exc:
            raise ValidationError(str(exc)) from exc


class Phone(fields.String):
    """A Tajik phone number as people write it; loads as a domain Phone (E.164)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        try:
            return normalise_phone(super()._deserialize(value, attr, data, **kwargs))
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from exc


class Text(fields.String):
    """Free text: trimmed, inner whitespace collapsed, empty becomes null."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = " ".join(super()._deserialize(value, attr, data, **kwargs).split())
        if len(text) > self.max_length:
            raise ValidationError(f"Use at most {self.max_length} characters.")
        return text or None


def _known_district(code: str) -> None:
    if code not in DISTRICTS:
        raise ValidationError("Unknown district code; use a code from the districts list.")


def _optional_text(max_length: int) -> Text:
    return Text(max_length=max_length, load_default=None, allow_none=True)


class ChildPartSchema(Schema):
    given_name = Name(required=True)
    family_name = Name(required=True)
    patronymic = Name(load_default=None, allow_none=True)
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date(required=True)
    district_code = fields.String(required=True, validate=_known_district)
    jamoat = _optional_text(100)
    village = _optional_text(100)
    address_notes = _optional_text(500)


class GuardianPartSchema(Schema):
    name = Name(required=True, max_length=FULL_NAME_MAX_LENGTH)
    relationship = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(RELATIONSHIPS)
    )
    phone = Phone(required=True, metadata={"example": "93 123 4567"})
    language = fields.String(load_default="tg", validate=validate.OneOf(LANGUAGES))
    sms_consent = StrictBool(required=True)


class ConsentPartSchema(Schema):
    data_sharing = StrictBool(required=True)
    given_by = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(RELATIONSHIPS)
    )
    recorded_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ScreeningPartSchema(Schema):
    concerns = fields.List(fields.String(), load_default=list)
    urgent = StrictBool(load_default=False)
    urgent_reason = _optional_text(500)
    note = _optional_text(2000)
    source = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(SCREENING_SOURCES)
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        problems = screening_problems(data["concerns"], data["urgent"], data["urgent_reason"])
        if problems:
            raise ValidationError(problems)

    @post_load
    def _distinct_concerns(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["concerns"] = list(dict.fromkeys(data["concerns"]))
        return data


class ChildCreateSchema(Schema):
    """A registration. Without `consent` the child is registered but cannot be referred."""

    child = fields.Nested(ChildPartSchema, required=True)
    guardian = fields.Nested(GuardianPartSchema, required=True)
    consent = fields.Nested(ConsentPartSchema, load_default=None, allow_none=True)
    screening = fields.Nested(ScreeningPartSchema, load_default=None, allow_none=True)
    confirmed_new = StrictBool(
        load_default=False,
        metadata={"description": "Register even though a likely duplicate exists."},
    )


class _Immutable:
    """Fields a PATCH may name only to be told they cannot change."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _refuse_immutable(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        named = [n for n in self.IMMUTABLE if isinstance(original, dict) and n in original]
        if named:
            raise ValidationError({name: [CHANGEABLE] for name in named})


# Facts of the registration itself: corrected only by a case manager or an admin, with a reason.
CORRECTIONS = ("sex", "date_of_birth", "district_code")
REASON_REQUIRED = "Say why date_of_birth, sex or district_code is corrected."


class ChildPatchPartSchema(Schema):
    given_name = Name()
    family_name = Name()
    patronymic = Name(allow_none=True)
    jamoat = Text(max_length=100, allow_none=True)
    village = Text(max_length=100, allow_none=True)
    address_notes = Text(max_length=500, allow_none=True)
    sex = fields.String(validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date()
    district_code = fields.String(validate=_known_district)


class GuardianPatchPartSchema(Schema):
    name = Name(max_length=FULL_NAME_MAX_LENGTH)
    relationship = fields.String(allow_none=True, validate=validate.OneOf(RELATIONSHIPS))
    phone = Phone()
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    sms_consent = StrictBool()


class ConsentPatchPartSchema(Schema):
    data_sharing = StrictBool(required=True)
    given_by = fields.String(allow_none=True, validate=validate.OneOf(RELATIONSHIPS))
    recorded_at = fields.AwareDateTime(allow_none=True)


class ChildPatchSchema(_Immutable, Schema):
    """Corrections: names, village, guardian's phone, language, SMS consent, later consent."""

    IMMUTABLE = (
        "id", "status", "registered_by", "registered_at", "updated_at",
        "consent_withdrawn_at", "screening",
    )  # fmt: skip
    child = fields.Nested(ChildPatchPartSchema)
    guardian = fields.Nested(GuardianPatchPartSchema)
    consent = fields.Nested(ConsentPatchPartSchema)
    reason = Text(
        max_length=500,
        allow_none=True,
        metadata={"description": "Required with a correction of date_of_birth, sex or district."},
    )
    id = fields.Raw()
    status = fields.Raw()
    registered_by = fields.Raw()
    registered_at = fields.Raw()
    updated_at = fields.Raw()
    consent_withdrawn_at = fields.Raw()
    screening = fields.Raw()

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(part) for part in ("child", "guardian", "consent")):
            raise ValidationError("Send at least one field to change.")

    @validates_schema
    def _reason_for_corrections(self, data: dict[str, Any], **_: Any) -> None:
        if set(CORRECTIONS) & set(data.get("child") or {}) and not data.get("reason"):
            raise ValidationError({"reason": [REASON_REQUIRED]})


class MergeSchema(Schema):
    """Merge this registration into another registration of the same child."""

    into = fields.UUID(required=True, metadata={"description": "The child that lives on."})
    reason = Text(max_length=500, required=True)

    @validates_schema
    def _reason_given(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("reason"):
            raise ValidationError({"reason": ["Say why these are the same child."]})


class WithdrawConsentSchema(Schema):
    withdrawn_by = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(RELATIONSHIPS)
    )


class ChildQueryArgsSchema(PageArgsSchema):
    district_code = fields.String(validate=validate.Length(max=50))
    q = fields.String(
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Name in Cyrillic or Latin (word beginnings), or a phone."},
    )
    born_from = fields.Date()
    born_to = fields.Date()
    registered_from = fields.Date()
    registered_to = fields.Date()
    status = fields.String(validate=validate.OneOf(("active", "consent_withdrawn", "merged")))
