"""A care plan from the start of a service through review and re-assessment to closure."""

import uuid

from .support import (
    act,
    add_provider,
    admin,
    case_manager,
    feed,
    outbox,
    provider_user,
    refer,
    register_child,
)

PLAN = {
    "goals": [
        {
            "domain": "walking",
            "goal": "Walks 20 steps with a frame",
            "activities": [
                {"activity": "Daily standing exercises", "by": "family", "frequency": "every day"},
                {
                    "activity": "Physiotherapy session",
                    "by": "provider",
                    "frequency": "twice a week",
                },
            ],
        },
        {
            "domain": "communication",
            "goal": "Asks for water with a sign",
            "activities": [{"activity": "Picture cards at meals", "by": "family"}],
        },
    ],
    "next_review_date": "2027-02-25",
}


def assessed(service, child: str, walking: bool, review: bool) -> str:
    assessment_id = str(uuid.uuid4())
    feed(
        service,
        "assessment.completed",
        {
            "assessment_id": assessment_id,
            "child_id": child,
            "age_group": "5_17",
            "domains": {"walking": {"difficulty": walking}, "communication": {"difficulty": True}},
            "functional_difficulty": True,
            "priority": "high",
            "recommended_service_types": ["day_care"],
            "review": review,
        },
        producer="assessment",
    )
    return assessment_id


def started_referral(service) -> tuple[str, str, dict]:
    centre = add_provider(service, name="Rudaki centre")
    child = register_child(service)
    assessed(service, child, walking=True, review=False)
    referral = refer(service, child, centre["id"]).get_json()
    staff = provider_user(service, centre["id"])
    act(service, referral["id"], "accept", {"start_date": "2026-11-25"}, staff)
    assert act(service, referral["id"], "start", {}, staff).status_code == 200
    return child, referral["id"], staff


def test_a_care_plan_from_start_through_review_and_reassessment_to_closure(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"

    made = service.client.post(url, json=PLAN, headers=staff)
    assert made.status_code == 201, made.get_json()
    (scheduled,) = outbox(service, "care_plan.review_scheduled")
    assert scheduled["payload"]["review_date"] == "2027-02-25"
    assert scheduled["correlation_id"] == child

    review_assessment = assessed(service, child, walking=False, review=True)
    body = {
        "reviewed_on": "2026-11-25",
        "assessment_id": review_assessment,
        "progress": [
            {"goal": 0, "progress": "achieved"},
            {"goal": 1, "progress": "progressing", "note": "uses two signs"},
        ],
        "next_review_date": "2027-05-25",
    }
    reviewed = service.client.post(f"{url}/reviews", json=body, headers=case_manager(service))
    assert reviewed.status_code == 201, reviewed.get_json()
    review = reviewed.get_json()["reviews"][0]
    assert review["domain_change"] == {"communication": "same", "walking": "improved"}
    (event,) = outbox(service, "care_plan.reviewed")
    assert event["payload"]["progress"] == {
        "achieved": 1,
        "progressing": 1,
        "no_change": 0,
        "worse": 0,
    }
    assert "uses two signs" not in str(event)
    dates = sorted(
        e["payload"]["review_date"] for e in outbox(service, "care_plan.review_scheduled")
    )
    assert dates == ["2027-02-25", "2027-05-25"]

    closed = service.client.post(
        f"{url}/close", json={"outcome": "goals_partly_met"}, headers=staff
    )
    assert closed.get_json()["status"] == "closed"
    (completed,) = outbox(service, "referral.completed")
    assert completed["payload"]["outcome"] == "goals_partly_met"
    report = service.client.get("/reports/outcomes", headers=admin(service)).get_json()
    assert report["by_service_type"] == {"day_care": {"goals_partly_met": 1}}
    assert report["by_provider"][0]["provider_name"] == "Rudaki centre"


def test_a_plan_needs_a_running_service_and_goals_in_assessed_domains(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    wrong = {**PLAN, "goals": [{**PLAN["goals"][0], "domain": "flying"}]}
    assert service.client.post(url, json=wrong, headers=staff).status_code == 422
    past = {**PLAN, "next_review_date": "2026-01-01"}
    refused = service.client.post(url, json=past, headers=staff)
    assert refused.status_code == 422
    assert "next_review_date" in refused.get_json()["error"]["fields"]
    assert service.client.get(url, headers=staff).status_code == 404
    assert outbox(service, "care_plan.review_scheduled") == []
    stranger = provider_user(service, str(uuid.uuid4()))
    assert service.client.post(url, json=PLAN, headers=stranger).status_code == 404
    bad = {"reviewed_on": "2026-11-25", "progress": [{"goal": 0, "progress": "achieved"}]}
    service.client.post(url, json=PLAN, headers=staff)
    short = service.client.post(f"{url}/reviews", json=bad, headers=staff)
    assert short.status_code == 422
    assert "progress" in short.get_json()["error"]["fields"]


def revised(plan: dict, revision: int, **changes) -> dict:
    return {
        "goals": plan["goals"],
        "next_review_date": plan["next_review_date"],
        "revision": revision,
        **changes,
    }


def test_the_provider_and_the_case_manager_revise_the_plan_and_earlier_reviews_keep_their_goals(
    service,
):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    assert service.client.post(url, json=PLAN, headers=staff).status_code == 201
    progress = [{"goal": 0, "progress": "progressing"}, {"goal": 1, "progress": "no_change"}]
    review = {"reviewed_on": "2026-11-25", "progress": progress, "next_review_date": "2027-02-25"}
    assert service.client.post(f"{url}/reviews", json=review, headers=staff).status_code == 201
    told = len(outbox(service, "care_plan.review_scheduled"))

    walking = {**PLAN["goals"][0], "goal": "Walks 50 steps with a frame"}
    by_provider = service.client.put(url, json=revised(PLAN, 1, goals=[walking]), headers=staff)
    assert by_provider.status_code == 200, by_provider.get_json()
    plan = by_provider.get_json()
    assert plan["revision"] == 2
    assert [g["goal"] for g in plan["goals"]] == ["Walks 50 steps with a frame"]
    (earlier,) = plan["reviews"]
    assert earlier["plan_revision"] == 1
    assert [g["goal"] for g in earlier["goals"]] == [g["goal"] for g in PLAN["goals"]]
    assert earlier["progress"][1]["progress"] == "no_change"
    # the review date did not move: the family is not told again
    assert len(outbox(service, "care_plan.review_scheduled")) == told

    moved = revised(plan, 2, next_review_date="2027-03-10")
    by_manager = service.client.put(url, json=moved, headers=case_manager(service))
    assert by_manager.status_code == 200, by_manager.get_json()
    assert by_manager.get_json()["revision"] == 3
    dates = [e["payload"]["review_date"] for e in outbox(service, "care_plan.review_scheduled")]
    assert len(dates) == told + 1 and dates.count("2027-03-10") == 1
    assert "Walks 50 steps" not in str(outbox(service))

    review = {"reviewed_on": "2026-11-25", "progress": [{"goal": 0, "progress": "achieved"}]}
    second = service.client.post(f"{url}/reviews", json=review, headers=staff).get_json()
    assert [r["plan_revision"] for r in second["reviews"]] == [1, 3]
    assert second["reviews"][1]["goals"][0]["goal"] == "Walks 50 steps with a frame"


def test_a_stale_revision_is_refused_and_nothing_changes(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    service.client.post(url, json=PLAN, headers=staff)
    first = {**PLAN["goals"][0], "goal": "Stands alone for a minute"}
    assert (
        service.client.put(url, json=revised(PLAN, 1, goals=[first]), headers=staff).status_code
        == 200
    )

    late = {**PLAN["goals"][1], "goal": "Says three words"}
    stale = service.client.put(
        url, json=revised(PLAN, 1, goals=[late]), headers=case_manager(service)
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "care_plan_changed"
    plan = service.client.get(url, headers=staff).get_json()
    assert (plan["revision"], plan["goals"][0]["goal"]) == (2, "Stands alone for a minute")

    no_revision = {"goals": PLAN["goals"], "next_review_date": PLAN["next_review_date"]}
    missing = service.client.put(url, json=no_revision, headers=staff)
    assert missing.status_code == 422
    assert "revision" in missing.get_json()["error"]["fields"]
    past = service.client.put(
        url, json=revised(PLAN, 2, next_review_date="2026-01-01"), headers=staff
    )
    assert past.status_code == 422
    assert "next_review_date" in past.get_json()["error"]["fields"]
    assert service.client.get(url, headers=staff).get_json()["revision"] == 2


def test_only_the_keepers_in_scope_revise_and_not_after_closing(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    service.client.post(url, json=PLAN, headers=staff)
    body = revised(PLAN, 1, next_review_date="2027-03-01")
    stranger = provider_user(service, str(uuid.uuid4()))
    assert service.client.put(url, json=body, headers=stranger).status_code == 404
    elsewhere = case_manager(service, districts=("vahdat",))
    assert service.client.put(url, json=body, headers=elsewhere).status_code == 404
    assert service.client.put(url, json=body, headers=admin(service)).status_code == 403
    assert service.client.get(url, headers=staff).get_json()["revision"] == 1

    note = "Family moved to Khujand; exercises handed over to the local clinic"
    closed = service.client.post(
        f"{url}/close", json={"outcome": "moved_away", "note": note}, headers=staff
    )
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["close_note"] == note
    assert service.client.get(url, headers=case_manager(service)).get_json()["close_note"] == note
    assert outbox(service, "referral.completed")[0]["payload"]["outcome"] == "moved_away"
    assert "Khujand" not in str(outbox(service))

    after = service.client.put(url, json=body, headers=staff)
    assert after.status_code == 409
    assert after.get_json()["error"]["code"] == "care_plan_closed"


def test_a_closing_note_has_a_bounded_length(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    service.client.post(url, json=PLAN, headers=staff)
    long = service.client.post(
        f"{url}/close", json={"outcome": "goals_met", "note": "x" * 1001}, headers=staff
    )
    assert long.status_code == 422
    assert "note" in long.get_json()["error"]["fields"]
    assert service.client.get(url, headers=staff).get_json()["status"] == "open"
    assert outbox(service, "referral.completed") == []


def test_withdrawn_consent_erases_the_text_of_earlier_revisions_and_the_closing_note(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    service.client.post(url, json=PLAN, headers=staff)
    marks = [{"goal": 0, "progress": "achieved"}, {"goal": 1, "progress": "no_change"}]
    review = {"reviewed_on": "2026-11-25", "progress": marks}
    service.client.post(f"{url}/reviews", json=review, headers=staff)
    service.client.put(url, json=revised(PLAN, 1, goals=PLAN["goals"][:1]), headers=staff)
    service.client.post(
        f"{url}/close", json={"outcome": "goals_met", "note": "Walks alone"}, headers=staff
    )
    feed(service, "child.consent_withdrawn", {"child_id": child})
    plan = service.client.get(url, headers=case_manager(service)).get_json()
    assert plan["close_note"] is None
    assert [g["goal"] for g in plan["reviews"][0]["goals"]] == ["", ""]
    assert [g["domain"] for g in plan["reviews"][0]["goals"]] == ["walking", "communication"]


def test_a_revision_may_leave_no_review_planned(service):
    child, referral_id, staff = started_referral(service)
    url = f"/referrals/{referral_id}/care-plan"
    service.client.post(url, json=PLAN, headers=staff)
    told = len(outbox(service, "care_plan.review_scheduled"))
    answer = service.client.put(url, json=revised(PLAN, 1, next_review_date=None), headers=staff)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["next_review_date"] is None
    assert len(outbox(service, "care_plan.review_scheduled")) == told
