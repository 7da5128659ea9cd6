"""How a child's record looks outside: API responses and event payloads."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from services.intake.domain.children import Tombstone, contact_warnings, referral_allowed
from services.intake.models import AuditEntry, Child
from shared.codes import URGENT_REASONS, code_of


class ChildDetailsSchema(Schema):
    given_name = fields.String()
    family_name = fields.String()
    patronymic = fields.String(allow_none=True)
    sex = fields.String()
    date_of_birth = fields.Date()
    district_code = fields.String()
    jamoat = fields.String(allow_none=True)
    village = fields.String(allow_none=True)
    address_notes = fields.String(allow_none=True)


class GuardianSchema(Schema):
    name = fields.String()
    relationship = fields.String(allow_none=True)
    phone = fields.String(metadata={"description": "E.164, e.g. +992931234567"})
    sms_capable = fields.Boolean(metadata={"description": "False for a landline"})
    language = fields.String()
    sms_consent = fields.Boolean()


class ConsentSchema(Schema):
    data_sharing = fields.Boolean()
    given_by = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime(allow_none=True)


class ScreeningSchema(Schema):
    concerns = fields.List(fields.String())
    urgent = fields.Boolean()
    urgent_reason = fields.String(allow_none=True)
    urgent_reason_code = fields.String(
        allow_none=True, metadata={"description": "the code other services see"}
    )
    note = fields.String(allow_none=True)
    source = fields.String(allow_none=True)


class ActorSchema(Schema):
    sub = fields.String()
    role = fields.String()


class ChildSchema(Schema):
    """A registered child; after consent withdrawal only the tombstone fields are present."""

    id = fields.String()
    status = fields.String(metadata={"description": "active or consent_withdrawn"})
    child = fields.Nested(ChildDetailsSchema)
    guardian = fields.Nested(GuardianSchema)
    consent = fields.Nested(ConsentSchema)
    referral_allowed = fields.Boolean()
    screening = fields.Nested(ScreeningSchema)
    registered_by = fields.Nested(ActorSchema)
    registered_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    district_code = fields.String(metadata={"description": "tombstone only"})
    birth_year = fields.Integer(metadata={"description": "tombstone only"})
    consent_withdrawn_at = fields.AwareDateTime(metadata={"description": "tombstone only"})
    merged_into = fields.String(
        metadata={"description": "status merged: the id of the registration that lives on"}
    )
    merged_at = fields.AwareDateTime()
    warnings = fields.List(
        fields.Dict(),
        metadata={"description": "[{code, message}]: e.g. landline_no_sms (accepted, no SMS)"},
    )


class AuditEntrySchema(Schema):
    at = fields.AwareDateTime()
    actor = fields.Nested(ActorSchema)
    action = fields.String()
    child_id = fields.String()
    details = fields.Dict(allow_none=True)


def child_sections(child: Child) -> dict[str, dict[str, Any]]:
    """Return the child, guardian, consent and screening sections of a record."""
    return {
        "child": {
            "given_name": child.given_name,
            "family_name": child.family_name,
            "patronymic": child.patronymic,
            "sex": child.sex,
            "date_of_birth": child.date_of_birth,
            "district_code": child.district_code,
            "jamoat": child.jamoat,
            "village": child.village,
            "address_notes": child.address_notes,
        },
        "guardian": {
            "name": child.guardian_name,
            "relationship": child.guardian_relationship,
            "phone": child.guardian_phone,
            "sms_capable": child.guardian_sms_capable,
            "language": child.guardian_language,
            "sms_consent": child.sms_consent,
        },
        "consent": {
            "data_sharing": child.data_sharing_consent,
            "given_by": child.consent_given_by,
            "recorded_at": child.consent_recorded_at,
        },
        "screening": {
            "concerns": list(child.concerns or []),
            "urgent": child.urgent,
            "urgent_reason": child.urgent_reason,
            "note": child.screening_note,
            "source": child.screening_source,
        },
    }


def child_view(child: Child) -> dict[str, Any]:
    """Return the record as the API shows it: full, or the tombstone after withdrawal."""
    if child.withdrawn:
        return {"status": child.status, **tombstone_of(child).as_dict()}
    sections = child_sections(child)
    sections["screening"]["urgent_reason_code"] = code_of(URGENT_REASONS, child.urgent_reason)[0]
    view = {
        "id": child.id,
        "status": child.status,
        **sections,
        "referral_allowed": referral_allowed(child.data_sharing_consent) and not child.merged,
        "registered_by": {"sub": child.registered_by_sub, "role": child.registered_by_role},
        "registered_at": child.registered_at,
        "updated_at": child.updated_at,
        "warnings": contact_warnings(child.sms_consent, child.guardian_sms_capable),
    }
    if child.merged:
        view.update(merged_into=child.merged_into, merged_at=child.merged_at)
    return view


def tombstone_of(child: Child) -> Tombstone:
    """Return what the record keeps after consent withdrawal."""
    return Tombstone(
        id=child.id,
        district_code=child.district_code,
        birth_year=child.birth_year,
        registered_at=child.registered_at,
        consent_withdrawn_at=child.consent_withdrawn_at or child.updated_at,
    )


# Free text stays in intake: events carry no notes (they may name people or places).
_LOCAL_ONLY = {"child": {"address_notes"}, "screening": {"note"}}


def registered_payload(child: Child) -> dict[str, Any]:
    """Return the child.registered payload (contract §4)."""
    sections = event_changes(child_sections(child))
    return {
        "child_id": child.id,
        **sections,
        "registered_by": {"sub": child.registered_by_sub, "role": child.registered_by_role},
        "registered_at": child.registered_at.isoformat(),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def event_changes(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return the changes of a PATCH as the child.updated payload's `changes` section."""
    return {part: _jsonable(_coded(part, values)) for part, values in changes.items() if values}


def _coded(part: str, values: dict[str, Any]) -> dict[str, Any]:
    """Drop local-only fields; an urgent reason travels as its code, never as typed."""
    kept = {k: v for k, v in values.items() if k not in _LOCAL_ONLY.get(part, ())}
    if part == "screening" and "urgent_reason" in kept:
        kept["urgent_reason"] = code_of(URGENT_REASONS, kept["urgent_reason"])[0]
    return kept


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    """Return one audit row as the API shows it."""
    return {
        "at": entry.at,
        "actor": {"sub": entry.actor_sub, "role": entry.actor_role},
        "action": entry.action,
        "child_id": entry.child_id,
        "details": entry.details,
    }
