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
        {"domain": "walking", "goal": "Walks 20 steps with a frame",
         "activities": [{"activity": "Daily standing exercises", "by": "family",
                         "frequency": "every day"},
                        {"activity": "Physiotherapy session", "by": "provider",
                         "frequency": "twice a week"}]},
        {"domain": "communication", "goal": "Asks for water with a sign",
         "activities": [{"activity": "Picture cards at meals", "by": "family"}]},
    ],
    "next_review_date": "2027-02-25",
}  # fmt: skip


def assessed(ref, child: str, walking: bool, review: bool) -> str:
    assessment_id = str(uuid.uuid4())
    feed(ref, "assessment.completed", {
        "assessment_id": assessment_id, "child_id": child, "age_group": "5_17",
        "domains": {"walking": {"difficulty": walking}, "communication": {"difficulty": True}},
        "functional_difficulty": True, "priority": "high",
        "recommended_service_types": ["day_care"], "review": review,
    }, producer="assessment")  # fmt: skip
    return assessment_id


def started_referral(ref) -> tuple[str, str, dict]:
    centre = add_provider(ref, name="Rudaki centre")
    child = register_child(ref)
    assessed(ref, child, walking=True, review=False)
    referral = refer(ref, child, centre["id"]).get_json()
    staff = provider_user(ref, centre["id"])
    act(ref, referral["id"], "accept", {"start_date": "2026-11-25"}, staff)
    assert act(ref, referral["id"], "start", {}, staff).status_code == 200
    return child, referral["id"], staff


def test_a_care_plan_from_start_through_review_and_reassessment_to_closure(ref):
    child, referral_id, staff = started_referral(ref)
    url = f"/referrals/{referral_id}/care-plan"

    made = ref.client.post(url, json=PLAN, headers=staff)
    assert made.status_code == 201, made.get_json()
    (scheduled,) = outbox(ref, "care_plan.review_scheduled")
    assert scheduled["payload"]["review_date"] == "2027-02-25"
    assert scheduled["correlation_id"] == child

    review_assessment = assessed(ref, child, walking=False, review=True)
    body = {"reviewed_on": "2026-11-25", "assessment_id": review_assessment,
            "progress": [{"goal": 0, "progress": "achieved"},
                         {"goal": 1, "progress": "progressing", "note": "uses two signs"}],
            "next_review_date": "2027-05-25"}  # fmt: skip
    reviewed = ref.client.post(f"{url}/reviews", json=body, headers=case_manager(ref))
    assert reviewed.status_code == 201, reviewed.get_json()
    review = reviewed.get_json()["reviews"][0]
    assert review["domain_change"] == {"communication": "same", "walking": "improved"}
    (event,) = outbox(ref, "care_plan.reviewed")
    assert event["payload"]["progress"] == {
        "achieved": 1,
        "progressing": 1,
        "no_change": 0,
        "worse": 0,
    }
    assert "uses two signs" not in str(event)
    dates = sorted(e["payload"]["review_date"] for e in outbox(ref, "care_plan.review_scheduled"))
    assert dates == ["2027-02-25", "2027-05-25"]

    closed = ref.client.post(f"{url}/close", json={"outcome": "goals_partly_met"}, headers=staff)
    assert closed.get_json()["status"] == "closed"
    (completed,) = outbox(ref, "referral.completed")
    assert completed["payload"]["outcome"] == "goals_partly_met"
    report = ref.client.get("/reports/outcomes", headers=admin(ref)).get_json()
    assert report["by_service_type"] == {"day_care": {"goals_partly_met": 1}}
    assert report["by_provider"][0]["provider_name"] == "Rudaki centre"


def test_a_plan_needs_a_running_service_and_goals_in_assessed_domains(ref):
    child, referral_id, staff = started_referral(ref)
    url = f"/referrals/{referral_id}/care-plan"
    wrong = {**PLAN, "goals": [{**PLAN["goals"][0], "domain": "flying"}]}
    assert ref.client.post(url, json=wrong, headers=staff).status_code == 422
    past = {**PLAN, "next_review_date": "2026-01-01"}
    refused = ref.client.post(url, json=past, headers=staff)
    assert refused.status_code == 422
    assert "next_review_date" in refused.get_json()["error"]["fields"]
    assert ref.client.get(url, headers=staff).status_code == 404
    assert outbox(ref, "care_plan.review_scheduled") == []
    stranger = provider_user(ref, str(uuid.uuid4()))
    assert ref.client.post(url, json=PLAN, headers=stranger).status_code == 404
    bad = {"reviewed_on": "2026-11-25", "progress": [{"goal": 0, "progress": "achieved"}]}
    ref.client.post(url, json=PLAN, headers=staff)
    short = ref.client.post(f"{url}/reviews", json=bad, headers=staff)
    assert short.status_code == 422
    assert "progress" in short.get_json()["error"]["fields"]
