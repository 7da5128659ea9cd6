"""Correcting a registration's facts (with a reason) and merging two registrations of a child."""

import pytest

from .helpers import auth, register, registration

pytestmark = pytest.mark.integration

CM = {"role": "case_manager", "districts": ("rudaki",)}


def _patch(intake, child_id, body, role="case_manager", districts=("rudaki",)):
    return intake.client.patch(
        f"/children/{child_id}", json=body, headers=auth(intake, role, districts)
    )


def _audit(intake, child_id):
    headers = auth(intake, "admin", ())
    return intake.client.get(f"/children/{child_id}/audit", headers=headers).get_json()["items"]


def test_a_case_manager_corrects_the_birth_date_with_a_reason(intake, tap):
    child_id = register(intake).get_json()["id"]
    body = {"child": {"date_of_birth": "2019-04-12", "sex": "male"},
            "reason": "birth certificate says 2019"}  # fmt: skip

    response = _patch(intake, child_id, body)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["child"]["date_of_birth"] == "2019-04-12"
    assert response.get_json()["child"]["sex"] == "male"
    event = tap.wait_for("child.corrected", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["changes"] == {"date_of_birth": "2019-04-12", "sex": "male"}
    assert event["payload"]["previous"] == {"date_of_birth": "2023-04-12", "sex": "female"}
    assert "birth certificate" not in str(event)  # the reason stays in intake's audit trail
    [entry] = [e for e in _audit(intake, child_id) if e["action"] == "correct"]
    assert entry["details"]["reason"] == "birth certificate says 2019"
    assert entry["details"]["previous"]["date_of_birth"] == "2023-04-12"
    assert entry["actor"]["role"] == "case_manager"


def test_a_district_correction_moves_the_child_out_of_the_old_districts_lists(intake, tap):
    child_id = register(intake).get_json()["id"]
    body = {"child": {"district_code": "vahdat"}, "reason": "the family lives in Vahdat"}

    assert _patch(intake, child_id, body).status_code == 200
    assert intake.client.get(f"/children/{child_id}", headers=auth(intake, **CM)).status_code == 404
    vahdat = auth(intake, "case_manager", ("vahdat",))
    moved = intake.client.get(f"/children/{child_id}", headers=vahdat).get_json()
    assert moved["child"]["district_code"] == "vahdat"
    event = tap.wait_for("child.corrected", where=lambda e: e["correlation_id"] == child_id)
    assert event["payload"]["changes"] == {"district_code": "vahdat"}


def test_a_correction_without_a_reason_is_422_and_changes_nothing(intake):
    before = register(intake).get_json()
    response = _patch(intake, before["id"], {"child": {"date_of_birth": "2019-04-12"}})
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]
    after = intake.client.get(f"/children/{before['id']}", headers=auth(intake, **CM)).get_json()
    assert after == before


@pytest.mark.parametrize("role", ["phw", "sah_worker"])
def test_field_workers_cannot_correct_registration_facts(intake, role):
    before = register(intake).get_json()
    body = {"child": {"sex": "male"}, "reason": "typo"}
    assert _patch(intake, before["id"], body, role=role).status_code == 403
    after = intake.client.get(f"/children/{before['id']}", headers=auth(intake, **CM)).get_json()
    assert after == before


def test_an_admin_corrects_and_a_bad_date_is_named(intake):
    child_id = register(intake).get_json()["id"]
    future = _patch(intake, child_id, {"child": {"date_of_birth": "2030-01-01"}, "reason": "x"},
                    role="admin", districts=())  # fmt: skip
    assert future.status_code == 422
    assert "date_of_birth" in future.get_json()["error"]["fields"]["child"]
    fixed = _patch(intake, child_id, {"child": {"sex": "male"}, "reason": "typo"},
                   role="admin", districts=())  # fmt: skip
    assert fixed.status_code == 200 and fixed.get_json()["child"]["sex"] == "male"


def _two_registrations(intake):
    first = register(intake).get_json()["id"]
    again = registration(confirmed_new=True)
    second = register(intake, again, headers={"Idempotency-Key": "second"}).get_json()["id"]
    return first, second


def _merge(intake, child_id, into, role="case_manager", districts=("rudaki",), reason="same"):
    return intake.client.post(
        f"/children/{child_id}/merge",
        json={"into": into, "reason": reason},
        headers=auth(intake, role, districts),
    )


def test_merging_points_the_merged_child_at_the_surviving_one(intake, tap):
    survivor, duplicate = _two_registrations(intake)

    response = _merge(intake, duplicate, survivor, reason="registered twice at two clinics")

    assert response.status_code == 200, response.get_json()
    read = intake.client.get(f"/children/{duplicate}", headers=auth(intake, **CM))
    assert read.status_code == 200
    assert read.get_json()["merged_into"] == survivor
    assert read.get_json()["status"] == "merged"
    event = tap.wait_for("child.merged", where=lambda e: e["correlation_id"] == duplicate)
    assert event["payload"]["into"] == survivor
    listed = intake.client.get("/children", headers=auth(intake, **CM)).get_json()
    assert [c["id"] for c in listed["items"]] == [survivor]
    # A third registration of the same child is matched against the surviving record only.
    third = register(intake, headers={"Idempotency-Key": "third"})
    assert third.status_code == 409
    assert [c["id"] for c in third.get_json()["error"]["candidates"]] == [survivor]
    assert [e["action"] for e in _audit(intake, duplicate)].count("merge") == 1
    # Repeating the merge changes nothing and sends nothing again.
    assert _merge(intake, duplicate, survivor).status_code == 200
    assert len(tap.of_type("child.merged")) == 1


def test_a_merge_needs_a_reason_a_case_manager_of_both_and_two_children(intake):
    survivor, duplicate = _two_registrations(intake)
    no_reason = intake.client.post(f"/children/{duplicate}/merge", json={"into": survivor},
                                   headers=auth(intake, **CM))  # fmt: skip
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    assert _merge(intake, duplicate, survivor, role="phw").status_code == 403
    assert _merge(intake, duplicate, duplicate).status_code == 422
    assert _merge(intake, duplicate, survivor, districts=("vahdat",)).status_code == 404
    in_vahdat = registration(child={"district_code": "vahdat"}, confirmed_new=True)
    elsewhere = register(intake, in_vahdat, districts=("vahdat",)).get_json()["id"]
    refused = _merge(intake, duplicate, elsewhere)
    assert refused.status_code == 422 and "into" in refused.get_json()["error"]["fields"]
    assert _merge(intake, duplicate, elsewhere, role="admin", districts=()).status_code == 200
    changed = _patch(intake, duplicate, {"child": {"village": "Ҷилликӯл"}}, role="admin",
                     districts=())  # fmt: skip
    assert changed.status_code == 409
    assert changed.get_json()["error"]["merged_into"] == elsewhere
