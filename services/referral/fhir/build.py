"""Referral rows as FHIR R4 resources (plain dicts of FHIR JSON), built in one place.

A referral is a ServiceRequest (what is asked, for whom, by whom) fulfilled through a Task (its
status mapped by `domain.states.fhir_status`), after the Gravity Project's referral pattern.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.referral.domain.states import Status, fhir_status
from services.referral.models import ChildRecord, Provider, Referral
from shared.codes import COMPLETION_OUTCOMES, label

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
SYSTEM = "urn:early-intervention"
REFERRAL_ID = f"{SYSTEM}:referral"
CHILD_ID = f"{SYSTEM}:child"
PROVIDER_ID = f"{SYSTEM}:provider"
USER_ID = f"{SYSTEM}:user"
SERVICE_TYPE = f"{SYSTEM}:service-type"
REFERRAL_STATUS = f"{SYSTEM}:referral-status"
DISTRICT = f"{SYSTEM}:district"
SERVICE_TYPES = {
    "day_care": "Day care for children with disabilities",
    "home_based": "Home-based care",
    "residential": "Residential care",
}
# Our assessment priority onto FHIR request-priority (routine < urgent < asap < stat).
PRIORITIES = {"urgent": "asap", "high": "urgent", "routine": "routine"}
_REQUEST_STATUS = {
    Status.SENT: "active",
    Status.ACCEPTED: "active",
    Status.IN_PROGRESS: "active",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.EXPIRED: "revoked",
    Status.CANCELLED: "revoked",
}
_TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"


def instant(value: datetime | None) -> str | None:
    """An ISO 8601 instant with its offset (stored naive values are UTC)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR JSON carries no nulls and no empty lists or objects."""
    return {k: v for k, v in resource.items() if v not in (None, [], {}, "")}


def service_type(code: str) -> dict[str, Any]:
    """A service type as a CodeableConcept."""
    display = SERVICE_TYPES.get(code, code)
    return {"coding": [{"system": SERVICE_TYPE, "code": code, "display": display}], "text": display}


def child_reference(child: ChildRecord, shared: bool) -> dict[str, Any]:
    """The child: a Patient reference with consent, else only the platform's opaque id."""
    if shared:
        return {"reference": f"Patient/{child.id}"}
    return {"identifier": {"system": CHILD_ID, "value": child.id}}


def organization_reference(provider: Provider) -> dict[str, Any]:
    return {"reference": f"Organization/{provider.id}", "display": provider.name}


def requester(referral: Referral) -> dict[str, Any]:
    """The case manager who sent the referral (or the platform, for an automatic one)."""
    who = "the platform (waiting list)" if referral.automatic else "district case manager"
    return {"identifier": {"system": USER_ID, "value": referral.created_by}, "display": who}


def service_request(referral: Referral, provider: Provider, shared: bool, child: ChildRecord):
    """What is asked (the service type), for whom (the child), by whom, of whom."""
    return _drop_empty({
        "resourceType": "ServiceRequest",
        "id": referral.id,
        "meta": {"lastUpdated": instant(referral.updated_at)},
        "identifier": [{"system": REFERRAL_ID, "value": referral.id}],
        "status": _REQUEST_STATUS[Status(referral.status)],
        "intent": "order",
        "priority": PRIORITIES.get(referral.priority, "routine"),
        "code": service_type(referral.service_type),
        "subject": child_reference(child, shared),
        "authoredOn": instant(referral.sent_at),
        "requester": requester(referral),
        "performer": [organization_reference(provider)],
    })  # fmt: skip


def _status_reason(referral: Referral) -> dict[str, Any] | None:
    status = Status(referral.status)
    if status is Status.DECLINED:
        note = f": {referral.decline_note}" if referral.decline_note else ""
        text = f"{referral.decline_reason}{note}"
        return {"coding": [{"system": f"{SYSTEM}:decline-reason", "code": referral.decline_reason}],
                "text": text}  # fmt: skip
    if status is Status.EXPIRED:
        return {"text": "the provider did not answer before the deadline"}
    if status is Status.CANCELLED:
        code = referral.cancel_reason or "other"
        note = f": {referral.cancel_note}" if referral.cancel_note else ""
        return {"coding": [{"system": f"{SYSTEM}:cancel-reason", "code": code}],
                "text": f"{code}{note}"}  # fmt: skip
    return None


def task(referral: Referral, provider: Provider, shared: bool, child: ChildRecord):
    """The fulfilment of the request by the provider, with the platform's own status beside."""
    period = _drop_empty({"start": instant(referral.started_at),
                          "end": instant(referral.completed_at)})  # fmt: skip
    output = None
    if referral.outcome:
        note = f": {referral.outcome_note}" if referral.outcome_note else ""
        text = f"{label(COMPLETION_OUTCOMES, referral.outcome, 'en')}{note}"
        output = [{"type": {"text": "outcome"}, "valueCodeableConcept": {
            "coding": [{"system": f"{SYSTEM}:outcome", "code": referral.outcome}], "text": text,
        }}]  # fmt: skip
    return _drop_empty({
        "resourceType": "Task",
        "id": referral.id,
        "meta": {"lastUpdated": instant(referral.updated_at)},
        "identifier": [{"system": REFERRAL_ID, "value": referral.id}],
        "basedOn": [{"reference": f"ServiceRequest/{referral.id}"}],
        "status": fhir_status(referral.status),
        "statusReason": _status_reason(referral),
        "businessStatus": {"coding": [{"system": REFERRAL_STATUS, "code": referral.status}],
                           "text": referral.status},
        "intent": "order",
        "priority": PRIORITIES.get(referral.priority, "routine"),
        "code": {"coding": [{"system": _TASK_CODE, "code": "fulfill"}]},
        "focus": {"reference": f"ServiceRequest/{referral.id}"},
        "for": child_reference(child, shared),
        "authoredOn": instant(referral.sent_at),
        "lastModified": instant(referral.updated_at),
        "requester": requester(referral),
        "owner": organization_reference(provider),
        "restriction": {"period": {"end": instant(referral.respond_by)}},
        "executionPeriod": period,
        "output": output,
    })  # fmt: skip


def organization(provider: Provider) -> dict[str, Any]:
    """The provider as an Organization (its services are the HealthcareService of the same id)."""
    return _drop_empty({
        "resourceType": "Organization",
        "id": provider.id,
        "meta": {"lastUpdated": instant(provider.updated_at)},
        "identifier": [{"system": PROVIDER_ID, "value": provider.id}],
        "active": provider.active,
        "type": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov",
            "display": "Healthcare Provider"}]}],
        "name": provider.name,
        "alias": [provider.organisation] if provider.organisation else None,
        "telecom": [{"system": "phone", "value": provider.phone, "use": "work"}]
        if provider.phone else None,
        "address": [_drop_empty({"text": provider.address, "district": provider.district_code,
                                 "country": "TJ"})],
    })  # fmt: skip


def healthcare_service(provider: Provider) -> dict[str, Any]:
    """What the provider offers, to whom and where."""
    ages = f"ages {provider.min_age if provider.min_age is not None else 0}–" + (
        f"{provider.max_age}" if provider.max_age is not None else "17"
    )
    districts = ", ".join(provider.districts_served or [])
    return _drop_empty({
        "resourceType": "HealthcareService",
        "id": provider.id,
        "meta": {"lastUpdated": instant(provider.updated_at)},
        "identifier": [{"system": PROVIDER_ID, "value": provider.id}],
        "active": provider.active,
        "providedBy": organization_reference(provider),
        "type": [service_type(code) for code in provider.service_types],
        "name": provider.name,
        "telecom": [{"system": "phone", "value": provider.phone, "use": "work"}]
        if provider.phone else None,
        "eligibility": [{"code": {"text": "children with a functional difficulty"},
                         "comment": ages}],
        "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]}
                          for lang in provider.languages or []],
        "extraDetails": f"Districts served: {districts}. Places: {provider.places}."
        if districts else f"Places: {provider.places}.",
    })  # fmt: skip


def patient(child: ChildRecord) -> dict[str, Any]:
    """The child, minimal: names, date of birth, district. Only with data-sharing consent."""
    name = _drop_empty({"family": child.family_name,
                        "given": [child.given_name] if child.given_name else None})  # fmt: skip
    return _drop_empty({
        "resourceType": "Patient",
        "id": child.id,
        "meta": {"lastUpdated": instant(child.updated_at)},
        "identifier": [{"system": CHILD_ID, "value": child.id}],
        "name": [name] if name else None,
        "birthDate": _day(child.date_of_birth),
        "address": [_drop_empty({"district": child.district_code, "country": "TJ"})],
        "communication": [{"language": {"coding": [
            {"system": "urn:ietf:bcp:47", "code": child.guardian_language}]}}]
        if child.guardian_language else None,
    })  # fmt: skip
