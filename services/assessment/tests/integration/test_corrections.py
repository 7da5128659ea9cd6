"""A corrected birth date re-chooses the questionnaire; a merge leaves one open assessment."""

import pytest

from shared.testing import wait_for

from .support import intake_event, publish, registered, wait_for_assessment, worklist

pytestmark = pytest.mark.integration


def _corrected(child_id, **changes):
    return intake_event("child.corrected", {"child_id": child_id, "changes": changes})


def _of_child(service, headers, child_id):
    return worklist(service, headers, f"?child_id={child_id}")["items"]


def test_a_corrected_birth_date_switches_the_open_assessment_to_the_right_questionnaire(
    service, clock, case_manager
):
    event = registered(clock.now, born="2023-04-12")
    child_id = event.payload["child_id"]
    publish(service, event)
    assert wait_for_assessment(service, child_id, case_manager)["instrument"] == "cfm_2_4"

    publish(service, _corrected(child_id, date_of_birth="2019-04-12"))

    wait_for(
        lambda: _of_child(service, case_manager, child_id)[0]["instrument"] == "cfm_5_17",
        timeout=20,
        message="the 5-17 questionnaire",
    )


def test_a_corrected_district_moves_the_assessment_to_that_case_manager(
    service, clock, case_manager
):
    event = registered(clock.now)
    child_id = event.payload["child_id"]
    publish(service, event)
    wait_for_assessment(service, child_id, case_manager)

    publish(service, _corrected(child_id, district_code="vahdat"))

    vahdat = service.auth("case_manager", ["vahdat"], sub="cm-vahdat")
    assert wait_for_assessment(service, child_id, vahdat)["district_code"] == "vahdat"
    assert worklist(service, case_manager)["total"] == 0


def test_a_merge_leaves_the_surviving_child_one_open_assessment(service, clock, case_manager):
    first, second = registered(clock.now), registered(clock.now)
    survivor, duplicate = first.payload["child_id"], second.payload["child_id"]
    publish(service, first, second)
    wait_for_assessment(service, survivor, case_manager)
    wait_for_assessment(service, duplicate, case_manager)

    merged = {"child_id": duplicate, "into": survivor}
    publish(service, intake_event("child.merged", merged))

    wait_for(
        lambda: worklist(service, case_manager, "?status=pending")["total"] == 1,
        timeout=20,
        message="one assessment left to do",
    )
    [item] = worklist(service, case_manager, "?status=pending")["items"]
    assert item["child_id"] == survivor
    assert _of_child(service, case_manager, duplicate) == []
    cancelled = worklist(service, case_manager, f"?child_id={survivor}&status=cancelled")
    assert [a["status"] for a in cancelled["items"]] == ["cancelled"]
