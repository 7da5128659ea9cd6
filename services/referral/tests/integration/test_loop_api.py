"""Every allowed transition over HTTP with its event; an impossible one is 409, changes nothing."""

import pytest

from services.referral.flows.timers import expire_due

from .support import act, add_provider, case_manager, outbox, provider_user, refer, register_child

pytestmark = pytest.mark.integration

TODAY = "2026-11-25"  # the test clock's date in Dushanbe
ACTIONS = {
    "accept": {"start_date": TODAY},
    "decline": {"reason": "no_capacity", "note": ""},
    "start": {},
    "complete": {"outcome": "goals met"},
    "cancel": {"reason": "family moved"},
}
ALLOWED = {
    "sent": {"accept", "decline", "cancel"},
    "accepted": {"start", "cancel"},
    "in_progress": {"complete", "cancel"},
}
PATHS = {
    "sent": [],
    "accepted": ["accept"],
    "in_progress": ["accept", "start"],
    "completed": ["accept", "start", "complete"],
    "declined": ["decline"],
    "cancelled": ["cancel"],
    "expired": None,
}


def actor(ref, provider_id, action):
    return case_manager(ref) if action == "cancel" else provider_user(ref, provider_id)


def referral_in(ref, clock, state):
    provider = add_provider(ref)
    referral = refer(ref, register_child(ref), provider["id"]).get_json()
    if state == "expired":
        clock.advance(hours=72)
        assert expire_due(ref.runtime) == 1
    for action in PATHS[state] or []:
        response = act(
            ref, referral["id"], action, ACTIONS[action], actor(ref, provider["id"], action)
        )
        assert response.status_code == 200, response.get_json()
    return provider, referral


@pytest.mark.parametrize(
    ("state", "action", "reached", "event"),
    [
        ("sent", "accept", "accepted", "referral.accepted"),
        ("sent", "decline", "declined", "referral.declined"),
        ("sent", "cancel", "cancelled", "referral.cancelled"),
        ("accepted", "start", "in_progress", "referral.started"),
        ("accepted", "cancel", "cancelled", "referral.cancelled"),
        ("in_progress", "complete", "completed", "referral.completed"),
        ("in_progress", "cancel", "cancelled", "referral.cancelled"),
    ],
)
def test_allowed_transition(ref, clock, state, action, reached, event):
    provider, referral = referral_in(ref, clock, state)
    response = act(ref, referral["id"], action, ACTIONS[action], actor(ref, provider["id"], action))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == reached
    emitted = outbox(ref, event)
    assert [e["payload"]["referral_id"] for e in emitted] == [referral["id"]]


@pytest.mark.parametrize("state", list(PATHS))
def test_impossible_transitions_answer_409_and_change_nothing(ref, clock, state):
    provider, referral = referral_in(ref, clock, state)
    before = ref.client.get(f"/referrals/{referral['id']}", headers=case_manager(ref)).get_json()
    events_before = len(outbox(ref))
    for action in set(ACTIONS) - ALLOWED.get(state, set()):
        response = act(
            ref, referral["id"], action, ACTIONS[action], actor(ref, provider["id"], action)
        )
        assert response.status_code == 409, (state, action, response.get_json())
        assert response.get_json()["error"]["code"] == "transition_not_allowed"
    after = ref.client.get(f"/referrals/{referral['id']}", headers=case_manager(ref)).get_json()
    assert after == before
    assert len(outbox(ref)) == events_before


def test_events_carry_what_the_family_and_provider_need(ref, clock):
    provider, referral = referral_in(ref, clock, "in_progress")
    [accepted] = outbox(ref, "referral.accepted")
    assert accepted["payload"]["start_date"] == TODAY
    assert accepted["payload"]["provider"]["address"] == "Somoniyon, Istiqlol street 9"
    act(ref, referral["id"], "complete", ACTIONS["complete"], provider_user(ref, provider["id"]))
    [completed] = outbox(ref, "referral.completed")
    assert completed["payload"]["outcome"] == "goals_met"
    assert completed["causation_id"] is None and completed["correlation_id"] == referral["child_id"]


def test_decline_other_needs_a_note_and_notes_stay_out_of_events(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    staff = provider_user(ref, provider["id"])
    bare = act(ref, referral["id"], "decline", {"reason": "other"}, staff)
    assert bare.status_code == 422
    assert "note" in bare.get_json()["error"]["fields"]
    noted = act(
        ref, referral["id"], "decline", {"reason": "other", "note": "closed in winter"}, staff
    )
    assert noted.get_json()["decline_note"] == "closed in winter"
    [event] = outbox(ref, "referral.declined")
    assert event["payload"]["reason"] == "other"
    assert "closed in winter" not in str(event)


def test_unknown_decline_reason_is_422(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    response = act(
        ref, referral["id"], "decline", {"reason": "busy"}, provider_user(ref, provider["id"])
    )
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]


def test_decline_reopens_the_need_for_another_match(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    act(ref, referral["id"], "decline", ACTIONS["decline"], provider_user(ref, provider["id"]))
    needs = ref.client.get("/needs?status=open", headers=case_manager(ref)).get_json()
    assert [n["child_id"] for n in needs["items"]] == [referral["child_id"]]


def test_provider_cannot_cancel_and_case_manager_cannot_accept(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    staff = provider_user(ref, provider["id"])
    assert act(ref, referral["id"], "cancel", ACTIONS["cancel"], staff).status_code == 403
    accept = act(ref, referral["id"], "accept", ACTIONS["accept"], case_manager(ref))
    assert accept.status_code == 403


def test_start_date_before_sending_is_refused(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    response = act(
        ref,
        referral["id"],
        "accept",
        {"start_date": "2026-11-01"},
        provider_user(ref, provider["id"]),
    )
    assert response.status_code == 422
    assert "start_date" in response.get_json()["error"]["fields"]


def test_needs_can_be_read_for_one_child(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    other = register_child(ref)
    refer(ref, other, provider["id"])
    mine = ref.client.get(f"/needs?child_id={referral['child_id']}", headers=case_manager(ref))
    assert [n["child_id"] for n in mine.get_json()["items"]] == [referral["child_id"]]


def test_a_free_text_outcome_is_kept_here_and_travels_as_a_code(ref, clock):
    provider, referral = referral_in(ref, clock, "in_progress")
    words = "Фарзона қадам мезанад; модараш Гулнора дигар ба марказ намеояд"
    done = act(
        ref, referral["id"], "complete", {"outcome": words}, provider_user(ref, provider["id"])
    ).get_json()
    assert (done["outcome"], done["outcome_note"]) == ("other", words)
    [event] = outbox(ref, "referral.completed")
    assert event["payload"]["outcome"] == "other" and "Гулнора" not in str(event)


def test_a_cancel_reason_travels_as_a_code_and_its_words_stay_here(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    labelled = act(ref, referral["id"], "cancel", {"reason": "По просьбе семьи"}, case_manager(ref))
    assert (labelled.get_json()["cancel_reason"], labelled.get_json()["cancel_note"]) == (
        "family_request",
        None,
    )
    second = refer(ref, register_child(ref), provider["id"]).get_json()
    act(ref, second["id"], "cancel", ACTIONS["cancel"], case_manager(ref))
    reasons = sorted(e["payload"]["reason"] for e in outbox(ref, "referral.cancelled"))
    assert reasons == ["family_request", "other"]
    assert "family moved" not in str(outbox(ref, "referral.cancelled"))
def test_a_service_cannot_start_before_its_accepted_start_date(ref, clock):
    provider, referral = referral_in(ref, clock, "sent")
    staff = provider_user(ref, provider["id"])
    act(ref, referral["id"], "accept", {"start_date": "2026-11-27"}, staff)
    shown = ref.client.get(f"/referrals/{referral['id']}", headers=staff).get_json()
    assert shown["allowed_actions"] == []
    early = act(ref, referral["id"], "start", {}, staff)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "before_start_date"
    assert early.get_json()["error"]["start_date"] == "2026-11-27"
    assert outbox(ref, "referral.started") == []
    clock.advance(days=2)  # 10:00 on 27 November in Dushanbe
    assert (
        "start"
        in ref.client.get(f"/referrals/{referral['id']}", headers=staff).get_json()[
            "allowed_actions"
        ]
    )
    assert act(ref, referral["id"], "start", {}, staff).get_json()["status"] == "in_progress"


@pytest.mark.parametrize(
    ("state", "for_provider", "for_case_manager"),
    [
        ("sent", ["accept", "decline"], ["cancel"]),
        ("accepted", ["start"], ["cancel"]),
        ("in_progress", ["complete"], ["cancel"]),
        ("completed", [], []),
    ],
)
def test_allowed_actions_list_only_what_the_caller_may_do(
    ref, clock, state, for_provider, for_case_manager
):
    provider, referral = referral_in(ref, clock, state)
    path = f"/referrals/{referral['id']}"
    staff = provider_user(ref, provider["id"])
    assert ref.client.get(path, headers=staff).get_json()["allowed_actions"] == for_provider
    shown = ref.client.get(path, headers=case_manager(ref)).get_json()["allowed_actions"]
    assert shown == for_case_manager
    for action in for_provider:
        assert (
            act(ref, referral["id"], action, ACTIONS[action], case_manager(ref)).status_code == 403
        )
