"""Corrections to a registered child, and erasure when the family withdraws consent."""

from __future__ import annotations

from typing import Any

from services.intake.flows import audit, idempotency
from services.intake.flows.registration import name_columns
from services.intake.models import CONSENT_WITHDRAWN, Child
from services.intake.views import ChildSchema, child_view, event_changes
from shared.outbox import erase_child_events
from shared.principal import Principal
from shared.refusals import Refused
from shared.runtime import UnitOfWork

# Request field → model attribute, per section of the record.
_COLUMNS = {
    "child": {
        "given_name": "given_name",
        "family_name": "family_name",
        "patronymic": "patronymic",
        "jamoat": "jamoat",
        "village": "village",
        "address_notes": "address_notes",
    },
    "guardian": {
        "name": "guardian_name",
        "relationship": "guardian_relationship",
        "phone": "guardian_phone",
        "sms_capable": "guardian_sms_capable",
        "language": "guardian_language",
        "sms_consent": "sms_consent",
    },
    "consent": {
        "data_sharing": "data_sharing_consent",
        "given_by": "consent_given_by",
        "recorded_at": "consent_recorded_at",
    },
}
# Everything personal; the tombstone keeps only id, district, birth year and dates.
_ERASED = {
    **{column: None for section in _COLUMNS.values() for column in section.values()},
    "sex": None,
    "date_of_birth": None,
    "name_key": None,
    "family_block": None,
    "urgent_reason": None,
    "screening_note": None,
    "screening_source": None,
    "consent_given_by": None,
    "consent_recorded_at": None,
    "concerns": [],
    "urgent": False,
    "sms_consent": False,
    "data_sharing_consent": False,
}


class AlreadyWithdrawn(Refused):
    """The record was erased; it can no longer be changed."""

    def __init__(self, child_id: str) -> None:
        super().__init__(409, "consent_withdrawn", "consent was withdrawn and the record erased")
        self.child_id = child_id


def _requested(data: dict[str, Any], now: Any) -> dict[str, dict[str, Any]]:
    """Flatten loaded PATCH sections into {section: {field: new value}}."""
    wanted = {part: dict(data.get(part) or {}) for part in _COLUMNS}
    phone = wanted["guardian"].pop("phone", None)
    if phone is not None:
        wanted["guardian"].update(phone=phone.e164, sms_capable=phone.sms_capable)
    consent = wanted["consent"]
    if consent.get("data_sharing") and not consent.get("recorded_at"):
        consent["recorded_at"] = now
    return wanted


def change_child(
    uow: UnitOfWork, child: Child, data: dict[str, Any], actor: Principal
) -> dict[str, dict[str, Any]]:
    """Apply corrections; audit them and emit child.updated with what really changed."""
    if child.withdrawn:
        raise AlreadyWithdrawn(child.id)
    changes: dict[str, dict[str, Any]] = {}
    for part, values in _requested(data, uow.now).items():
        for field, value in values.items():
            column = _COLUMNS[part][field]
            if getattr(child, column) != value:
                setattr(child, column, value)
                changes.setdefault(part, {})[field] = value
    if not changes:
        return changes
    if {"given_name", "family_name", "patronymic"} & set(changes.get("child", {})):
        for column, value in name_columns(
            child.given_name, child.family_name, child.patronymic
        ).items():
            setattr(child, column, value)
    child.updated_at = uow.now
    changed_fields = [f"{part}.{field}" for part, values in changes.items() for field in values]
    audit.record(uow.session, actor, audit.UPDATE, child.id, uow.now, {"fields": changed_fields})
    visible = event_changes(changes)
    if visible:
        uow.emit(
            "child.updated",
            {
                "child_id": child.id,
                "changes": visible,
                "changed_fields": [f"{p}.{f}" for p, values in visible.items() for f in values],
                "updated_by": {"sub": actor.sub, "role": actor.role},
            },
            correlation_id=child.id,
        )
    return changes


def withdraw_consent(
    uow: UnitOfWork, child: Child, actor: Principal, withdrawn_by: str | None = None
) -> bool:
    """Erase the child's and guardian's personal data; False if it was already erased."""
    details = {"withdrawn_by": withdrawn_by, "repeat": child.withdrawn}
    audit.record(uow.session, actor, audit.WITHDRAW_CONSENT, child.id, uow.now, details)
    if child.withdrawn:
        return False
    for column, value in _ERASED.items():
        setattr(child, column, value)
    child.status = CONSENT_WITHDRAWN
    child.consent_withdrawn_at = child.updated_at = uow.now
    uow.session.flush()
    idempotency.replace_responses(uow.session, child.id, ChildSchema().dump(child_view(child)))
    # Unsent registrations and corrections go (nobody saw them); sent ones keep only the id.
    erase_child_events(
        uow.session,
        uow.runtime.tables.outbox,
        child.id,
        drop_unsent=("child.registered", "child.updated", "child.corrected"),
    )
    uow.emit(
        "child.consent_withdrawn",
        {"child_id": child.id, "withdrawn_at": uow.now.isoformat()},
        correlation_id=child.id,
    )
    return True
