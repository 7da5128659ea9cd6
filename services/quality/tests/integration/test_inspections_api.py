"""Standards are versioned; an inspection is judged against the version in force on its date."""

from .support import CRITERIA, PROVIDER_ID, admin, inspect, inspector, outbox, publish

OTHER_ID = "0b9e7a3c-2d4f-4a61-8c5e-9f1d2a3b4c5d"


def test_an_inspection_uses_the_version_in_force_on_its_date(service):
    publish(service, "2026-01-01")
    v2 = publish(service, "2026-11-01", CRITERIA + [{"code": "DC3", "text": "Accessible"}])
    assert v2["version"] == 2

    before = inspect(service, "2026-10-15", {"DC1": "met", "DC2": "partly_met"})
    after = inspect(service, "2026-11-20", {"DC1": "met", "DC2": "met", "DC3": "met"})

    assert before.status_code == 201, before.get_json()
    assert (before.get_json()["standard_version"], before.get_json()["score"]) == (1, 75.0)
    assert after.get_json()["standard_version"] == 2
    assert after.get_json()["level"] == "compliant"


def test_findings_must_rate_exactly_the_criteria_in_force(service):
    publish(service, "2026-01-01")

    response = inspect(service, "2026-11-20", {"DC1": "met", "DC9": "met"})

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]["findings"]) == {"DC2", "DC9"}
    assert service.client.get("/inspections", headers=inspector(service)).get_json()["total"] == 0
    assert outbox(service, "provider.inspected") == []


def test_no_standard_in_force_is_refused(service):
    publish(service, "2026-11-01")

    response = inspect(service, "2026-10-01", {"DC1": "met", "DC2": "met"})

    assert response.status_code == 422
    assert "service_type" in response.get_json()["error"]["fields"]


def test_an_inspection_emits_score_level_and_accreditation(service):
    publish(service, "2026-01-01")
    action = {"criterion": "DC2", "description": "Train two workers", "due_date": "2027-01-31"}

    inspect(service, "2026-11-20", {"DC1": "not_met", "DC2": "not_met"}, [action])

    (event,) = outbox(service, "provider.inspected")
    assert event["correlation_id"] == PROVIDER_ID
    assert event["payload"] | {"inspection_id": None} == {
        "inspection_id": None,
        "provider_id": PROVIDER_ID,
        "service_type": "day_care",
        "inspected_on": "2026-11-20",
        "standard_version": 1,
        "score": 0.0,
        "level": "non_compliant",
        "accredited": False,
        "open_actions": 1,
    }


def test_the_provider_sees_its_own_inspections_and_answers_its_actions(service):
    publish(service, "2026-01-01")
    action = {"criterion": "DC2", "description": "Train two workers", "due_date": "2027-01-31"}
    inspect(service, "2026-11-20", {"DC1": "met", "DC2": "partly_met"}, [action])
    other = inspect(service, "2026-11-20", {"DC1": "met", "DC2": "met"}, [action], OTHER_ID)
    assert other.status_code == 201, other.get_json()
    own = service.auth("provider", provider_id=PROVIDER_ID, sub="staff-1")

    listed = service.client.get("/inspections", headers=own).get_json()
    (action_id,) = [a["id"] for a in listed["items"][0]["required_actions"]]
    answered = service.client.post(
        f"/actions/{action_id}/answer", json={"response": "Both trained in December"}, headers=own
    )
    closed = service.client.post(
        f"/actions/{action_id}/follow-up", json={"outcome": "done"}, headers=inspector(service)
    )

    assert listed["total"] == 1
    assert listed["items"][0]["provider_id"] == PROVIDER_ID
    assert answered.get_json()["status"] == "answered"
    assert closed.get_json()["status"] == "done"
    stranger = service.auth("provider", provider_id=OTHER_ID, sub="staff-2")
    refused = service.client.post(
        f"/actions/{action_id}/answer", json={"response": "x"}, headers=stranger
    )
    assert refused.status_code == 404
    # The other provider's inspection and action do not exist for this provider, asked by id
    # or by filter.
    theirs = other.get_json()
    assert service.client.get(f"/inspections/{theirs['id']}", headers=own).status_code == 404
    for path in (f"/inspections?provider_id={OTHER_ID}", f"/actions?provider_id={OTHER_ID}"):
        assert service.client.get(path, headers=own).get_json()["total"] == 0, path
    their_action = theirs["required_actions"][0]["id"]
    answer = {"response": "not ours"}
    assert (
        service.client.post(f"/actions/{their_action}/answer", json=answer, headers=own).status_code
        == 404
    )


def test_standards_on_a_date_give_the_version_in_force_and_keep_the_earlier_ones(service):
    publish(service, "2026-01-01")
    publish(service, "2026-11-01", CRITERIA + [{"code": "DC3", "text": "Accessible"}])
    reader = service.auth("case_manager", districts=["rudaki"], sub="cm-1")

    def versions(query: str) -> list[int]:
        listed = service.client.get(f"/standards{query}", headers=reader).get_json()
        return [s["version"] for s in listed["items"]]

    assert versions("?service_type=day_care&on=2026-10-31") == [1]
    assert versions("?service_type=day_care&on=2026-11-01") == [2]
    assert versions("?service_type=day_care&on=2025-12-31") == []
    assert versions("?service_type=day_care") == [2, 1]


def test_only_inspectors_and_admins_record_inspections(service):
    publish(service, "2026-01-01")
    body = {
        "provider_id": PROVIDER_ID,
        "service_type": "day_care",
        "inspected_on": "2026-11-20",
        "findings": [],
    }
    response = service.client.post(
        "/inspections", json=body, headers=service.auth("case_manager", ["rudaki"])
    )
    assert response.status_code == 403
    assert service.client.post("/standards", json={}, headers=inspector(service)).status_code == 403


def test_contracts_emit_signed_and_changed_with_the_places_bought(service):
    body = {
        "reference": "MLSP-2026/14",
        "commissioner": "ministry",
        "provider_id": PROVIDER_ID,
        "service_type": "day_care",
        "places": 20,
        "price_per_place_month": "850.00",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "districts": ["rudaki"],
    }
    signed = service.client.post("/contracts", json=body, headers=admin(service))
    assert signed.status_code == 201, signed.get_json()
    assert signed.get_json()["monthly_cost"] == "17000.00"
    contract_id = signed.get_json()["id"]

    changed = service.client.patch(
        f"/contracts/{contract_id}", json={"places": 25}, headers=admin(service)
    )

    assert changed.get_json()["revision"] == 2
    assert [e["payload"]["places"] for e in outbox(service, "contract.signed")] == [20]
    assert [e["payload"]["places"] for e in outbox(service, "contract.changed")] == [25]
    bad = service.client.post(
        "/contracts", json={**body, "end_date": "2025-01-01"}, headers=admin(service)
    )
    assert "end_date" in bad.get_json()["error"]["fields"]
    assert bad.status_code == 422
    too_early = service.client.patch(
        f"/contracts/{contract_id}", json={"end_date": "2025-12-31"}, headers=admin(service)
    )
    assert too_early.status_code == 422
    assert "end_date" in too_early.get_json()["error"]["fields"]
    unchanged = service.client.get(f"/contracts/{contract_id}", headers=admin(service))
    assert (unchanged.get_json()["revision"], unchanged.get_json()["end_date"]) == (2, "2026-12-31")


def test_a_price_is_an_amount_written_as_text_and_documented_so(service):
    body = {
        "reference": "MLSP-2026/15",
        "commissioner": "rudaki",
        "provider_id": PROVIDER_ID,
        "service_type": "day_care",
        "places": 10,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "districts": ["rudaki"],
    }
    for price in (850, "8.5e2", "850.001", "-1.00", "10000000.01"):
        refused = service.client.post(
            "/contracts", json={**body, "price_per_place_month": price}, headers=admin(service)
        )
        assert refused.status_code == 422, (price, refused.get_json())
        assert "price_per_place_month" in refused.get_json()["error"]["fields"], price
    signed = service.client.post(
        "/contracts", json={**body, "price_per_place_month": "850.5"}, headers=admin(service)
    )
    assert signed.status_code == 201, signed.get_json()
    assert (signed.get_json()["price_per_place_month"], signed.get_json()["monthly_cost"]) == (
        "850.50",
        "8505.00",
    )
    schemas = service.client.get("/openapi.json").get_json()["components"]["schemas"]
    for name, field in (("ContractInput", "price_per_place_month"), ("Contract", "total_value")):
        documented = schemas[name]["properties"][field]
        assert documented["type"] == "string", (name, documented)
        assert "maximum" not in documented, (name, documented)
