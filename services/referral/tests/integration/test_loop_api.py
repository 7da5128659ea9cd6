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


def actor(service, provider_id, action):
    return case_manager(service) if action == "cancel" else provider_user(service, provider_id)


def referral_in(service, clock, state):
    provider = add_provider(service)
    referral = refer(service, register_child(service), provider["id"]).get_json()
    if state == "expired":
        clock.advance(hours=72)
        assert expire_due(service.runtime) == 1
    for action in PATHS[state] or []:
        response = act(
            service, referral["id"], action, ACTIONS[action], actor(service, provider["id"], action)
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
def test_allowed_transition(service, clock, state, action, reached, event):
    provider, referral = referral_in(service, clock, state)
    response = act(
        service, referral["id"], action, ACTIONS[action], actor(service, provider["id"], action)
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == reached
    emitted = outbox(service, event)
    assert [e["payload"]["referral_id"] for e in emitted] == [referral["id"]]


@pytest.mark.parametrize("state", list(PATHS))
def test_impossible_transitions_answer_409_and_change_nothing(service, clock, state):
    provider, referral = referral_in(service, clock, state)
    before = service.client.get(
        f"/referrals/{referral['id']}", headers=case_manager(service)
    ).get_json()
    events_before = len(outbox(service))
    for action in set(ACTIONS) - ALLOWED.get(state, set()):
        response = act(
            service, referral["id"], action, ACTIONS[action], actor(service, provider["id"], action)
        )
        assert response.status_code == 409, (state, action, response.get_json())
        assert response.get_json()["error"]["code"] == "transition_not_allowed"
    after = service.client.get(
        f"/referrals/{referral['id']}", headers=case_manager(service)
    ).get_json()
    assert after == before
    assert len(outbox(service)) == events_before


def test_events_carry_what_the_family_and_provider_need(service, clock):
    provider, referral = referral_in(service, clock, "in_progress")
    [accepted] = outbox(service, "referral.accepted")
    assert accepted["payload"]["start_date"] == TODAY
    assert accepted["payload"]["provider"]["address"] == "Somoniyon, Istiqlol street 9"
    act(
        service,
        referral["id"],
        "complete",
        ACTIONS["complete"],
        provider_user(service, provider["id"]),
    )
    [completed] = outbox(service, "referral.completed")
    assert completed["payload"]["outcome"] == "goals_met"
    assert completed["causation_id"] is None and completed["correlation_id"] == referral["child_id"]


def test_decline_other_needs_a_note_and_notes_stay_out_of_events(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    staff = provider_user(service, provider["id"])
    bare = act(service, referral["id"], "decline", {"reason": "other"}, staff)
    assert bare.status_code == 422
    assert "note" in bare.get_json()["error"]["fields"]
    noted = act(
        service, referral["id"], "decline", {"reason": "other", "note": "closed in winter"}, staff
    )
    assert noted.get_json()["decline_note"] == "closed in winter"
    [event] = outbox(service, "referral.declined")
    assert event["payload"]["reason"] == "other"
    assert "closed in winter" not in str(event)


def test_unknown_decline_reason_is_422(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    response = act(
        service,
        referral["id"],
        "decline",
        {"reason": "busy"},
        provider_user(service, provider["id"]),
    )
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]


def test_decline_reopens_the_need_for_another_match(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    act(
        service,
        referral["id"],
        "decline",
        ACTIONS["decline"],
        provider_user(service, provider["id"]),
    )
    needs = service.client.get("/needs?status=open", headers=case_manager(service)).get_json()
    assert [n["child_id"] for n in needs["items"]] == [referral["child_id"]]


def test_provider_cannot_cancel_and_case_manager_cannot_accept(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    staff = provider_user(service, provider["id"])
    assert act(service, referral["id"], "cancel", ACTIONS["cancel"], staff).status_code == 403
    accept = act(service, referral["id"], "accept", ACTIONS["accept"], case_manager(service))
    assert accept.status_code == 403


def test_start_date_before_sending_is_refused(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    response = act(
        service,
        referral["id"],
        "accept",
        {"start_date": "2026-11-01"},
        provider_user(service, provider["id"]),
    )
    assert response.status_code == 422
    assert "start_date" in response.get_json()["error"]["fields"]


def test_needs_can_be_read_for_one_child(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    other = register_child(service)
    refer(service, other, provider["id"])
    mine = service.client.get(
        f"/needs?child_id={referral['child_id']}", headers=case_manager(service)
    )
    assert [n["child_id"] for n in mine.get_json()["items"]] == [referral["child_id"]]


def test_a_free_text_outcome_is_kept_here_and_travels_as_a_code(service, clock):
    provider, referral = referral_in(service, clock, "in_progress")
    words = "Фарзона қадам мезанад; модараш Гулнора дигар ба марказ намеояд"
    done = act(
        service,
        referral["id"],
        "complete",
        {"outcome": words},
        provider_user(service, provider["id"]),
    ).get_json()
    assert (done["outcome"], done["outcome_note"]) == ("other", words)
    [event] = outbox(service, "referral.completed")
    assert event["payload"]["outcome"] == "other" and "Гулнора" not in str(event)


def test_a_cancel_reason_travels_as_a_code_and_its_words_stay_here(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    labelled = act(
        service, referral["id"], "cancel", {"reason": "По просьбе семьи"}, case_manager(service)
    )
    assert (labelled.get_json()["cancel_reason"], labelled.get_json()["cancel_note"]) == (
        "family_request",
        None,
    )
    second = refer(service, register_child(service), provider["id"]).get_json()
    act(service, second["id"], "cancel", ACTIONS["cancel"], case_manager(service))
    reasons = sorted(e["payload"]["reason"] for e in outbox(service, "referral.cancelled"))
    assert reasons == ["family_request", "other"]
    assert "family moved" not in str(outbox(service, "referral.cancelled"))


def test_a_service_cannot_start_before_its_accepted_start_date(service, clock):
    provider, referral = referral_in(service, clock, "sent")
    staff = provider_user(service, provider["id"])
    act(service, referral["id"], "accept", {"start_date": "2026-11-27"}, staff)
    shown = service.client.get(f"/referrals/{referral['id']}", headers=staff).get_json()
    assert shown["allowed_actions"] == []
    early = act(service, referral["id"], "start", {}, staff)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "before_start_date"
    assert early.get_json()["error"]["start_date"] == "2026-11-27"
    assert outbox(service, "referral.started") == []
    clock.advance(days=2)  # 10:00 on 27 November in Dushanbe
    assert (
        "start"
        in service.client.get(f"/referrals/{referral['id']}", headers=staff).get_json()[
            "allowed_actions"
        ]
    )
    assert act(service, referral["id"], "start", {}, staff).get_json()["status"] == "in_progress"


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
    service, clock, state, for_provider, for_case_manager
):
    provider, referral = referral_in(service, clock, state)
    path = f"/referrals/{referral['id']}"
    staff = provider_user(service, provider["id"])
    assert service.client.get(path, headers=staff).get_json()["allowed_actions"] == for_provider
    shown = service.client.get(path, headers=case_manager(service)).get_json()["allowed_actions"]
    assert shown == for_case_manager
    for action in for_provider:
        assert (
            act(service, referral["id"], action, ACTIONS[action], case_manager(service)).status_code
            == 403
        )
