"""FHIR R4 for partners: every resource validates with the R4 models; roles; consent; errors."""

from __future__ import annotations

import fhir.resources
import pytest
from fhir.resources import get_fhir_model_class

from services.referral.flows.timers import expire_due

from .support import (
    act,
    add_provider,
    case_manager,
    feed,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration
FHIR_JSON = "application/fhir+json"


def test_the_models_are_fhir_r4():
    assert fhir.resources.__fhir_version__ == "4.0.1"


def partner(service):
    return service.auth("partner", sub="partner-1")


def read(service, path, headers=None, status=200):
    """GET a FHIR path as a partner; check the media type and validate with the R4 models."""
    answer = service.client.get(f"/fhir/{path}", headers=headers or partner(service))
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.content_type.startswith(FHIR_JSON)
    body = answer.get_json()
    get_fhir_model_class(body["resourceType"]).parse_obj(body)
    return body


def referral(service):
    provider = add_provider(service)
    answer = refer(service, register_child(service), provider["id"])
    assert answer.status_code == 201, answer.get_json()
    return provider, answer.get_json()


def test_capability_statement_offers_read_of_each_resource(service):
    body = read(service, "metadata")
    assert body["fhirVersion"] == "4.0.1" and FHIR_JSON in body["format"]
    types = {r["type"] for r in body["rest"][0]["resource"]}
    assert {"ServiceRequest", "Task", "Organization", "HealthcareService", "Patient"} <= types


def test_a_referral_is_a_service_request_fulfilled_by_a_task(service):
    provider, sent = referral(service)
    request = read(service, f"ServiceRequest/{sent['id']}")
    assert request["status"] == "active" and request["intent"] == "order"
    assert request["code"]["coding"][0]["code"] == "day_care"
    assert request["subject"] == {"reference": f"Patient/{sent['child_id']}"}
    assert request["requester"]["identifier"]["value"] == "cm-1"
    assert request["performer"] == [
        {"reference": f"Organization/{provider['id']}", "display": provider["name"]}
    ]
    task = read(service, f"Task/{sent['id']}")
    assert task["status"] == "requested" == sent["fhir_status"]
    assert task["focus"] == {"reference": f"ServiceRequest/{sent['id']}"}
    assert task["owner"]["reference"] == f"Organization/{provider['id']}"
    assert task["restriction"]["period"]["end"] == sent["respond_by"]


def test_the_task_follows_the_referral_to_completion_without_a_gap(service):
    provider, sent = referral(service)
    staff = provider_user(service, provider["id"])
    seen = [read(service, f"Task/{sent['id']}")["status"]]
    for action, body in (
        ("accept", {"start_date": "2026-11-25"}),
        ("start", {}),
        ("complete", {"outcome": "goals met"}),
    ):
        assert act(service, sent["id"], action, body, staff).status_code == 200
        seen.append(read(service, f"Task/{sent['id']}")["status"])
    assert seen == ["requested", "accepted", "in-progress", "completed"]
    task = read(service, f"Task/{sent['id']}")
    outcome = task["output"][0]["valueCodeableConcept"]
    assert (outcome["coding"][0]["code"], outcome["text"]) == ("goals_met", "Goals met")
    assert "start" in task["executionPeriod"] and "end" in task["executionPeriod"]
    assert read(service, f"ServiceRequest/{sent['id']}")["status"] == "completed"


@pytest.mark.parametrize(
    ("end", "task_status", "reason"),
    [
        ("decline", "rejected", "no_capacity"),
        ("cancel", "cancelled", "family moved"),
        ("expire", "failed", "deadline"),
    ],
)
def test_a_referral_that_ends_early_ends_its_task_with_the_reason(
    service, clock, end, task_status, reason
):
    provider, sent = referral(service)
    if end == "expire":
        clock.advance(hours=72)
        assert expire_due(service.runtime) == 1
    elif end == "decline":
        body = {"reason": "no_capacity", "note": ""}
        answer = act(service, sent["id"], "decline", body, provider_user(service, provider["id"]))
        assert answer.status_code == 200
    else:
        answer = act(
            service, sent["id"], "cancel", {"reason": "family moved"}, case_manager(service)
        )
        assert answer.status_code == 200
    task = read(service, f"Task/{sent['id']}")
    assert task["status"] == task_status
    assert reason in task["statusReason"]["text"]
    assert read(service, f"ServiceRequest/{sent['id']}")["status"] == "revoked"


def test_provider_is_an_organization_with_its_healthcare_service(service):
    provider, _ = referral(service)
    organization = read(service, f"Organization/{provider['id']}")
    assert organization["name"] == provider["name"] and organization["active"] is True
    assert organization["alias"] == ["NGO Chashma"]
    healthcare_service = read(service, f"HealthcareService/{provider['id']}")
    assert healthcare_service["providedBy"]["reference"] == f"Organization/{provider['id']}"
    assert [t["coding"][0]["code"] for t in healthcare_service["type"]] == ["day_care"]
    assert "rudaki" in healthcare_service["extraDetails"]


def test_bundle_holds_everything_about_one_referral(service):
    provider, sent = referral(service)
    body = read(service, f"Bundle/{sent['id']}")
    assert body["type"] == "collection" and body["id"] == sent["id"]
    kinds = [e["resource"]["resourceType"] for e in body["entry"]]
    assert kinds == ["ServiceRequest", "Task", "Organization", "HealthcareService", "Patient"]
    assert body["entry"][0]["fullUrl"].endswith(f"/fhir/ServiceRequest/{sent['id']}")
    patient = body["entry"][-1]["resource"]
    assert patient["name"] == [{"family": "Раҳимова", "given": ["Фарзона"]}]
    assert "telecom" not in patient  # minimal: no phone


def test_once_consent_is_withdrawn_there_is_no_patient(service):
    _, sent = referral(service)
    feed(service, "child.consent_withdrawn", {"child_id": sent["child_id"]})
    request = read(service, f"ServiceRequest/{sent['id']}")
    assert "reference" not in request["subject"]
    assert request["subject"]["identifier"]["value"] == sent["child_id"]
    outcome = read(service, f"Patient/{sent['child_id']}", status=404)
    assert outcome["issue"][0]["code"] == "not-found"
    kinds = [e["resource"]["resourceType"] for e in read(service, f"Bundle/{sent['id']}")["entry"]]
    assert "Patient" not in kinds
    assert "Фарзона" not in str(read(service, f"Bundle/{sent['id']}"))


def test_with_consent_the_patient_is_minimal(service):
    _, sent = referral(service)
    patient = read(service, f"Patient/{sent['child_id']}")
    assert patient["birthDate"] == "2021-03-01"
    assert patient["address"] == [{"district": "rudaki", "country": "TJ"}]
    assert set(patient) <= {
        "resourceType",
        "id",
        "meta",
        "identifier",
        "name",
        "birthDate",
        "address",
        "communication",
    }


def test_admin_reads_too(service):
    _, sent = referral(service)
    assert (
        read(service, f"Task/{sent['id']}", headers=service.auth("admin"))["status"] == "requested"
    )


@pytest.mark.parametrize("role", ["phw", "sah_worker", "case_manager", "provider"])
def test_every_other_role_is_refused_with_an_operation_outcome(service, role):
    provider, sent = referral(service)
    headers = service.auth(role, ["rudaki"], provider_id=provider["id"])
    for path in ("metadata", f"Task/{sent['id']}", f"Organization/{provider['id']}"):
        outcome = read(service, path, headers=headers, status=403)
        assert outcome["issue"][0]["code"] == "forbidden"


def test_no_token_and_unknown_ids_answer_operation_outcomes(service):
    outcome = read(service, "metadata", headers={"Authorization": "Bearer nonsense"}, status=401)
    assert outcome["issue"][0]["code"] == "login"
    for path in (
        "Task/00000000-0000-0000-0000-000000000000",
        "Organization/nope",
        "Bundle/nope",
        "HealthcareService/nope",
    ):
        assert read(service, path, status=404)["issue"][0]["severity"] == "error"


def test_a_partner_may_not_use_the_platform_api(service):
    _, sent = referral(service)
    assert (
        service.client.get(f"/referrals/{sent['id']}", headers=partner(service)).status_code == 403
    )
    assert service.client.get("/referrals", headers=partner(service)).status_code == 403
