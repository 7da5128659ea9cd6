"""Scheduling and completing an assessment, and the events the other services rely on."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from services.assessment.models import Assessment, Child
from shared.testing import wait_for

from .support import ANSWERS_2_4, FAMILY, publish, registered, wait_for_assessment

pytestmark = pytest.mark.integration


@pytest.fixture
def pending(service, clock, case_manager):
    """A child aged 3 registered in Rudaki, waiting for assessment."""
    event = registered(clock.now)
    publish(service, event)
    return wait_for_assessment(service, event.payload["child_id"], case_manager)


def post(service, path, body, headers):
    return service.client.post(path, json=body, headers=headers)


def test_scheduling_tells_the_family_and_can_be_repeated(service, tap, pending, case_manager):
    path = f"/assessments/{pending['id']}/schedule"
    when = {"scheduled_for": "2026-12-01T10:00:00+05:00", "place": "home visit"}
    response = post(service, path, when, case_manager)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "scheduled"
    assert body["scheduled_for"] == "2026-12-01T10:00:00+05:00"
    event = tap.wait_for("assessment.scheduled")
    assert event["correlation_id"] == pending["child_id"]
    assert event["payload"]["assessment_id"] == pending["id"]
    assert event["payload"]["place"] == "home visit"
    assert event["payload"]["place_type"] == "home_visit"
    assert datetime.fromisoformat(event["payload"]["scheduled_for"]) == datetime(
        2026, 12, 1, 5, 0, tzinfo=UTC
    )
    later = {
        "scheduled_for": "2026-12-02T05:00:00Z",
        "place": "Rudaki clinic",
        "place_type": "clinic",
    }
    assert post(service, path, later, case_manager).status_code == 200
    again = tap.wait_for("assessment.scheduled", where=lambda e: e["payload"]["rescheduled"])
    assert again["payload"]["place_type"] == "clinic"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheduled_for": "2026-11-24T10:00:00+05:00", "place": "home visit"}, "scheduled_for"),
        ({"scheduled_for": "2026-12-01T10:00:00", "place": "home visit"}, "scheduled_for"),
        ({"scheduled_for": "2026-12-01T10:00:00+05:00"}, "place"),
        ({"scheduled_for": "2026-12-01T10:00:00+05:00", "place": "x", "colour": 1}, "colour"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_changes(service, pending, case_manager, body, field):
    response = post(service, f"/assessments/{pending['id']}/schedule", body, case_manager)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    again = service.client.get(f"/assessments/{pending['id']}", headers=case_manager)
    assert again.get_json()["status"] == "pending"


def test_completing_scores_recommends_and_publishes_results_only(
    service, tap, pending, case_manager
):
    body = {"answers": ANSWERS_2_4, "family_context": FAMILY, "notes": "Mother worried."}
    response = post(service, f"/assessments/{pending['id']}/complete", body, case_manager)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert result["instrument"] == "cfm_2_4"
    assert result["domains"]["walking"]["difficulty"] is True
    assert result["domains"]["seeing"]["difficulty"] is False
    assert result["functional_difficulty"] is True
    assert result["priority"] == "routine"
    assert result["recommended_service_types"] == ["home_based", "day_care"]
    assert [r["id"] for r in result["recommendations"]] == [
        "service.home_based_first",
        "service.day_care_within_reach",
    ]
    assert response.get_json()["answers"] == ANSWERS_2_4

    event = tap.wait_for("assessment.completed")
    payload = event["payload"]
    assert event["correlation_id"] == pending["child_id"]
    assert payload["assessment_id"] == pending["id"]
    assert payload["domains"]["walking"] == {"difficulty": True}
    assert (payload["priority"], payload["functional_difficulty"]) == ("routine", True)
    assert payload["recommended_service_types"] == ["home_based", "day_care"]
    assert payload["age_group"] == "2_4"
    text = json.dumps(event, ensure_ascii=False)
    assert "Mother worried" not in text and "CF10" not in text and "answers" not in text

    repeat = post(service, f"/assessments/{pending['id']}/complete", body, case_manager)
    assert repeat.status_code == 409


def test_two_completions_at_once_complete_it_once(service, tap, pending, case_manager):
    """The case manager's phone sends the form twice (a retry on a weak signal): the second
    waits for the first and is refused, and the other services hear of one completion."""
    body = {"answers": ANSWERS_2_4, "family_context": FAMILY}
    path = f"/assessments/{pending['id']}/complete"
    both = threading.Barrier(2)

    def complete(_: int) -> int:
        both.wait(timeout=10)
        return post(service, path, body, case_manager).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(complete, range(2)))
    assert statuses == [200, 409]
    tap.wait_for("assessment.completed")
    shown = service.client.get(f"/assessments/{pending['id']}", headers=case_manager).get_json()
    assert (shown["status"], shown["result"]["priority"]) == ("completed", "routine")
    assert len(tap.of_type("assessment.completed")) == 1


def test_a_completion_that_waited_for_a_correction_is_judged_on_the_corrected_child(
    service, pending, case_manager
):
    """The child's date of birth is corrected (a 6-year-old, not a 3-year-old) while the case
    manager sends the form for 2-4 year olds: the completion waits for the correction and is
    refused for the child as corrected, not accepted for the child as it was."""
    path = f"/assessments/{pending['id']}/complete"
    body = {"answers": ANSWERS_2_4, "family_context": FAMILY}
    with ThreadPoolExecutor(1) as pool:
        with service.runtime.unit_of_work() as uow:
            # What the consumer's correction does: it holds the assessment and changes the child.
            uow.session.execute(
                select(Assessment).where(Assessment.id == pending["id"]).with_for_update()
            ).scalar_one()
            uow.session.get(Child, pending["child_id"]).date_of_birth = date(2020, 4, 12)
            uow.session.flush()
            sent = pool.submit(post, service, path, body, case_manager)
            wait_for(lambda: _waiting_on_a_lock(service), timeout=10,
                     message="the completion waits for the correction")  # fmt: skip
        response = sent.result(timeout=10)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["instrument"] == "cfm_5_17"


def _waiting_on_a_lock(service) -> bool:
    with service.runtime.db.engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
        )
        return bool(waiting.scalar_one())


def test_wrong_answers_are_named_and_nothing_is_written(service, tap, pending, case_manager):
    answers = {**ANSWERS_2_4, "CF2": 1, "CF20": 1}
    del answers["CF14"]
    body = {"answers": answers, "family_context": FAMILY}
    response = post(service, f"/assessments/{pending['id']}/complete", body, case_manager)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"answers"}  # one shape: marshmallow's nesting, no copies
    assert set(error["fields"]["answers"]) == {"CF2", "CF14", "CF20"}
    assert error["instrument"] == "cfm_2_4"
    with service.runtime.db.session() as session:
        stored = session.get(Assessment, pending["id"])
        assert (stored.status, stored.answers) == ("pending", None)
    assert tap.of_type("assessment.completed") == []


def test_a_baby_is_assessed_by_clinical_judgement(service, clock, tap, case_manager):
    event = registered(clock.now, born="2025-06-01")
    publish(service, event)
    item = wait_for_assessment(service, event.payload["child_id"], case_manager)
    assert item["instrument"] == "clinical_under_2"
    answers = {
        d: 1
        for d in (
            "seeing",
            "hearing",
            "walking",
            "fine_motor",
            "communication",
            "learning",
            "playing",
            "controlling_behaviour",
        )
    }
    body = {"answers": {**answers, "hearing": 3}, "family_context": FAMILY}
    response = post(service, f"/assessments/{item['id']}/complete", body, case_manager)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert (result["instrument"], result["clinical_judgement"]) == ("clinical_under_2", True)
    assert result["priority"] == "urgent"  # under 3 with a difficulty
    assert tap.wait_for("assessment.completed")["payload"]["priority"] == "urgent"


def test_an_adult_cannot_be_assessed(service, clock, case_manager):
    event = registered(clock.now, born="2008-11-25")
    publish(service, event)
    item = wait_for_assessment(service, event.payload["child_id"], case_manager)
    body = {"answers": ANSWERS_2_4, "family_context": FAMILY}
    response = post(service, f"/assessments/{item['id']}/complete", body, case_manager)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_eligible"


def test_an_override_is_recorded_and_published(service, tap, pending, case_manager):
    complete = {"answers": ANSWERS_2_4, "family_context": FAMILY}
    post(service, f"/assessments/{pending['id']}/complete", complete, case_manager)
    change = {"priority": "high", "service_types": ["day_care"], "reason": "Mother starts work."}
    response = post(service, f"/assessments/{pending['id']}/override", change, case_manager)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert (result["priority"], result["recommended_service_types"]) == ("high", ["day_care"])
    assert result["override"]["reason"] == "Mother starts work."
    assert result["override"]["original_priority"] == "routine"
    event = tap.wait_for("assessment.completed", where=lambda e: e["payload"]["overridden"])
    assert event["payload"]["priority"] == "high"
    assert "Mother starts work" not in json.dumps(event, ensure_ascii=False)
    no_reason = post(
        service, f"/assessments/{pending['id']}/override", {"priority": "high"}, case_manager
    )
    assert no_reason.status_code == 422


def test_a_review_keeps_the_history_and_the_latest_counts(service, tap, pending, case_manager):
    complete = {"answers": ANSWERS_2_4, "family_context": FAMILY}
    post(service, f"/assessments/{pending['id']}/complete", complete, case_manager)
    review = post(service, "/assessments", {"child_id": pending["child_id"]}, case_manager)
    assert review.status_code == 201, review.get_json()
    review_id = review.get_json()["id"]
    assert (review.get_json()["review"], review.get_json()["review_of"]) == (True, pending["id"])
    twice = post(service, "/assessments", {"child_id": pending["child_id"]}, case_manager)
    assert twice.status_code == 409
    better = {**ANSWERS_2_4, "CF10": 2}
    done = post(
        service,
        f"/assessments/{review_id}/complete",
        {"answers": better, "family_context": FAMILY},
        case_manager,
    )
    assert done.get_json()["result"]["functional_difficulty"] is False
    event = tap.wait_for("assessment.completed", where=lambda e: e["payload"]["review"])
    assert event["payload"]["recommended_service_types"] == []
    first = service.client.get(f"/assessments/{pending['id']}", headers=case_manager)
    assert first.get_json()["superseded"] is True
    stale = post(
        service,
        f"/assessments/{pending['id']}/override",
        {"priority": "urgent", "reason": "Too late."},
        case_manager,
    )
    assert stale.status_code == 409
    history = service.client.get(
        f"/assessments?child_id={pending['child_id']}", headers=case_manager
    ).get_json()
    assert history["total"] == 2


def test_only_a_case_manager_of_the_district_may_act(service, pending):
    body = {"scheduled_for": "2026-12-01T10:00:00+05:00", "place": "home visit"}
    path = f"/assessments/{pending['id']}/schedule"
    other = service.auth("case_manager", ["vahdat"])
    assert post(service, path, body, other).status_code == 404
    assert post(service, path, body, service.auth("admin")).status_code == 403
    assert post(service, path, body, service.auth("phw", ["rudaki"])).status_code == 403
    assert post(service, path, body, {}).status_code == 401
    unknown = "/assessments/00000000-0000-0000-0000-000000000000/schedule"
    assert post(service, unknown, body, service.auth("case_manager", ["rudaki"])).status_code == 404


def test_malformed_json_is_a_bad_request(service, pending, case_manager):
    response = service.client.post(
        f"/assessments/{pending['id']}/complete",
        data="{not json",
        headers={**case_manager, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_the_questionnaires_are_published_for_forms(service, case_manager):
    response = service.client.get("/instruments/cfm_5_17", headers=case_manager)
    body = response.get_json()
    assert body["walking_rule"] == "without_equipment"
    cf9 = next(q for q in body["questions"] if q["code"] == "CF9")
    assert cf9["asked_if"] == {"CF7": [1], "CF8": [2, 3]}
    assert body["domains"]["walking"] == ["CF8", "CF9", "CF12", "CF13"]
    spec = service.client.get("/openapi.json").get_json()
    assert "/assessments/{assessment_id}/complete" in spec["paths"]
