"""Intake's corrections and merges reach the case manager's worklist over the broker."""

import pytest

from shared.testing import wait_for
from tests.integration.test_chain_in_process import REGISTRATION

pytestmark = pytest.mark.integration


@pytest.fixture
def chain(service_harness):
    intake = service_harness("intake")
    assessment = service_harness("assessment")
    assessment.start_worker()
    intake.start_worker()
    return intake, assessment


def _pending(assessment, child_id, districts=("rudaki",)):
    page = assessment.client.get(
        f"/assessments?child_id={child_id}&status=pending",
        headers=assessment.auth("case_manager", list(districts)),
    ).get_json()
    return page["items"]


def test_a_corrected_birth_date_and_district_reach_the_worklist(chain):
    intake, assessment = chain
    cm = intake.auth("case_manager", ["rudaki"])
    child_id = intake.client.post("/children", json=REGISTRATION, headers=cm).get_json()["id"]
    [item] = wait_for(lambda: _pending(assessment, child_id), timeout=20, message="assessment")
    assert item["instrument"] == "cfm_2_4"

    body = {"child": {"date_of_birth": "2018-04-12", "district_code": "vahdat"},
            "reason": "birth certificate; the family lives in Vahdat"}  # fmt: skip
    assert intake.client.patch(f"/children/{child_id}", json=body, headers=cm).status_code == 200

    moved = wait_for(
        lambda: _pending(assessment, child_id, ("vahdat",)), timeout=20, message="the move"
    )
    assert moved[0]["instrument"] == "cfm_5_17"
    assert _pending(assessment, child_id) == []


def test_a_merge_leaves_one_assessment_and_a_pointer(chain):
    intake, assessment = chain
    cm = intake.auth("case_manager", ["rudaki"])
    survivor = intake.client.post("/children", json=REGISTRATION, headers=cm).get_json()["id"]
    again = {**REGISTRATION, "confirmed_new": True}
    duplicate = intake.client.post("/children", json=again, headers=cm).get_json()["id"]
    for child_id in (survivor, duplicate):
        wait_for(lambda c=child_id: _pending(assessment, c), timeout=20, message="assessment")

    merge = {"into": survivor, "reason": "the same child, registered at two clinics"}
    response = intake.client.post(f"/children/{duplicate}/merge", json=merge, headers=cm)
    assert response.status_code == 200, response.get_json()

    wait_for(lambda: _pending(assessment, duplicate) == [], timeout=20, message="the merge")
    assert len(_pending(assessment, survivor)) == 1
    pointer = intake.client.get(f"/children/{duplicate}", headers=cm).get_json()
    assert pointer["merged_into"] == survivor
