"""Correcting a registration's facts (with a reason) and merging two registrations of a child."""

import pytest

from .helpers import auth, register, registration

pytestmark = pytest.mark.integration

CM = {"role": "case_manager", "districts": ("rudaki",)}


def _patch(service, child_id, body, role="case_manager", districts=("rudaki",)):
    return service.client.patch(
        f"/children/{child_id}", json=body, headers=auth(service, role, districts)
    )


def _audit(service, child_id):
    headers = auth(service, "admin", ())
    return service.client.get(f"/children/{child_id}/audit", headers=headers).get_json()["items"]


def test_a_case_manager_corrects_the_birth_date_with_a_reason(service, tap):
    child_id = register(service).get_json()["id"]
    body = {
        "child": {"date_of_birth": "2019-04-12", "sex": "male"},
        "reason": "birth certificate says 2019",
    }

    response = _patch(service, child_id, body)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["child"]["date_of_birth"] == "2019-04-12"
    assert response.get_json()["child"]["sex"] == "male"
    event = tap.wait_for("child.corrected", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["changes"] == {"date_of_birth": "2019-04-12", "sex": "male"}
    assert event["payload"]["previous"] == {"date_of_birth": "2023-04-12", "sex": "female"}
    assert "birth certificate" not in str(event)  # the reason stays in intake's audit trail
    [entry] = [e for e in _audit(service, child_id) if e["action"] == "correct"]
    assert entry["details"]["reason"] == "birth certificate says 2019"
    assert entry["details"]["previous"]["date_of_birth"] == "2023-04-12"
    assert entry["actor"]["role"] == "case_manager"


def test_a_district_correction_moves_the_child_out_of_the_old_districts_lists(service, tap):
    child_id = register(service).get_json()["id"]
    body = {"child": {"district_code": "vahdat"}, "reason": "the family lives in Vahdat"}

    assert _patch(service, child_id, body).status_code == 200
    assert (
        service.client.get(f"/children/{child_id}", headers=auth(service, **CM)).status_code == 404
    )
    vahdat = auth(service, "case_manager", ("vahdat",))
    moved = service.client.get(f"/children/{child_id}", headers=vahdat).get_json()
    assert moved["child"]["district_code"] == "vahdat"
    event = tap.wait_for("child.corrected", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["changes"] == {"district_code": "vahdat"}


def test_a_correction_without_a_reason_is_422_and_changes_nothing(service):
    before = register(service).get_json()
    response = _patch(service, before["id"], {"child": {"date_of_birth": "2019-04-12"}})
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]
    after = service.client.get(f"/children/{before['id']}", headers=auth(service, **CM)).get_json()
    assert after == before


@pytest.mark.parametrize("role", ["phw", "sah_worker"])
def test_field_workers_cannot_correct_registration_facts(service, role):
    before = register(service).get_json()
    body = {"child": {"sex": "male"}, "reason": "typo"}
    assert _patch(service, before["id"], body, role=role).status_code == 403
    after = service.client.get(f"/children/{before['id']}", headers=auth(service, **CM)).get_json()
    assert after == before


def test_an_admin_corrects_and_a_bad_date_is_named(service):
    child_id = register(service).get_json()["id"]
    future = _patch(
        service,
        child_id,
        {"child": {"date_of_birth": "2030-01-01"}, "reason": "x"},
        role="admin",
        districts=(),
    )
    assert future.status_code == 422
    assert "date_of_birth" in future.get_json()["error"]["fields"]["child"]
    fixed = _patch(
        service, child_id, {"child": {"sex": "male"}, "reason": "typo"}, role="admin", districts=()
    )
    assert fixed.status_code == 200 and fixed.get_json()["child"]["sex"] == "male"


def _two_registrations(service):
    first = register(service).get_json()["id"]
    again = registration(confirmed_new=True)
    second = register(service, again, headers={"Idempotency-Key": "second"}).get_json()["id"]
    return first, second


def _merge(service, child_id, into, role="case_manager", districts=("rudaki",), reason="same"):
    return service.client.post(
        f"/children/{child_id}/merge",
        json={"into": into, "reason": reason},
        headers=auth(service, role, districts),
    )


def test_merging_points_the_merged_child_at_the_surviving_one(service, tap):
    survivor, duplicate = _two_registrations(service)

    response = _merge(service, duplicate, survivor, reason="registered twice at two clinics")

    assert response.status_code == 200, response.get_json()
    read = service.client.get(f"/children/{duplicate}", headers=auth(service, **CM))
    assert read.status_code == 200
    assert read.get_json()["merged_into"] == survivor
    assert read.get_json()["status"] == "merged"
    event = tap.wait_for("child.merged", where=lambda e: e["correlation_id"] == duplicate)
    assert event["payload"]["into"] == survivor
    listed = service.client.get("/children", headers=auth(service, **CM)).get_json()
    assert [c["id"] for c in listed["items"]] == [survivor]
    # A third registration of the same child is matched against the surviving record only.
    third = register(service, headers={"Idempotency-Key": "third"})
    assert third.status_code == 409
    assert [c["id"] for c in third.get_json()["error"]["candidates"]] == [survivor]
    assert [e["action"] for e in _audit(service, duplicate)].count("merge") == 1
    # Repeating the merge changes nothing and sends nothing again.
    assert _merge(service, duplicate, survivor).status_code == 200
    assert len(tap.of_type("child.merged")) == 1


def test_a_merge_needs_a_reason_a_case_manager_of_both_and_two_children(service):
    survivor, duplicate = _two_registrations(service)
    no_reason = service.client.post(
        f"/children/{duplicate}/merge", json={"into": survivor}, headers=auth(service, **CM)
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    assert _merge(service, duplicate, survivor, role="phw").status_code == 403
    assert _merge(service, duplicate, duplicate).status_code == 422
    assert _merge(service, duplicate, survivor, districts=("vahdat",)).status_code == 404
    in_vahdat = registration(child={"district_code": "vahdat"}, confirmed_new=True)
    elsewhere = register(service, in_vahdat, districts=("vahdat",)).get_json()["id"]
    refused = _merge(service, duplicate, elsewhere)
    assert refused.status_code == 422 and "into" in refused.get_json()["error"]["fields"]
    assert _merge(service, duplicate, elsewhere, role="admin", districts=()).status_code == 200
    changed = _patch(
        service, duplicate, {"child": {"village": "Ҷилликӯл"}}, role="admin", districts=()
    )
    assert changed.status_code == 409
    assert changed.get_json()["error"]["merged_into"] == elsewhere
