"""FHIR documents around the resources: CapabilityStatement, Bundle, OperationOutcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.referral.fhir.build import FHIR_JSON, FHIR_VERSION, instant

READ_TYPES = (
    "ServiceRequest", "Task", "Organization", "HealthcareService", "Patient", "Bundle",
)  # fmt: skip
_DOCS = {
    "ServiceRequest": "A referral: the service asked for, the child, who asked, of whom.",
    "Task": "A referral's fulfilment; status requested, accepted, rejected, in-progress, "
    "completed, cancelled or failed (no answer in time).",
    "Organization": "A provider.",
    "HealthcareService": "What a provider offers (same id as its Organization).",
    "Patient": "A child, minimal, only when the family consented to data sharing.",
    "Bundle": "Everything about one referral (same id as the referral), a collection.",
}
# HTTP status onto OperationOutcome.issue.code (hl7.org/fhir/R4/valueset-issue-type.html).
_ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
                405: "not-supported", 406: "not-supported", 422: "invalid"}  # fmt: skip


def capability_statement(published: datetime) -> dict[str, Any]:
    """What this server offers: read of each resource type, JSON only, bearer tokens."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(published),
        "publisher": "Early intervention platform",
        "kind": "instance",
        "software": {"name": "early-intervention referral service"},
        "implementation": {"description": "Read-only FHIR R4 view of referrals"},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [{
            "mode": "server",
            "security": {"description": "Bearer JWT (HS256) of role admin or partner; every "
                         "other role is refused with 403."},
            "resource": [
                {"type": name, "documentation": _DOCS[name], "interaction": [{"code": "read"}]}
                for name in READ_TYPES
            ],
        }],
    }  # fmt: skip


def bundle(bundle_id: str, resources: list[dict[str, Any]], base_url: str, at: datetime):
    """A collection Bundle of resources, each with its full URL on this server."""
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": instant(at)},
        "type": "collection",
        "timestamp": instant(at),
        "entry": [
            {"fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }


def operation_outcome(status: int, message: str) -> dict[str, Any]:
    """An error as FHIR says errors are told."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "error" if status < 500 else "fatal",
            "code": _ISSUE_CODES.get(status, "exception" if status >= 500 else "processing"),
            "diagnostics": message,
        }],
    }  # fmt: skip
