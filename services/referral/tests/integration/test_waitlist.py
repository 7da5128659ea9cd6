"""The waiting list: positions, and the queue moving when a place frees."""

import pytest

from .support import (
    act,
    add_provider,
    admin,
    assess,
    case_manager,
    outbox,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration
START = {"start_date": "2026-11-25"}  # the test clock's date: the service may start at once


def wait(ref, child, kind="day_care"):
    body = {"child_id": child, "service_type": kind}
    return ref.client.post("/waitlist", json=body, headers=case_manager(ref))


def full_provider(ref, **changes):
    """A one-place provider whose place is taken; return (provider, the placed referral)."""
    provider = add_provider(ref, places=1, **changes)
    referral = refer(ref, register_child(ref), provider["id"]).get_json()
    act(ref, referral["id"], "accept", START, provider_user(ref, provider["id"]))
    return provider, referral


def waiting_child(ref, priority="routine", born="2021-03-01"):
    child = register_child(ref, born=born)
    assess(ref, child, priority=priority)
    return child


def test_no_waiting_while_an_eligible_provider_has_a_place(ref):
    provider = add_provider(ref)
    response = wait(ref, register_child(ref))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["provider_ids"]) == ("places_available", [provider["id"]])


def test_positions_by_priority_then_waiting_time(ref, clock):
    full_provider(ref)
    routine = waiting_child(ref, "routine")
    first = wait(ref, routine)
    assert first.status_code == 201
    assert first.get_json()["position"] == 1
    clock.advance(hours=1)
    urgent = waiting_child(ref, "urgent")
    assert wait(ref, urgent).get_json()["position"] == 1
    events = outbox(ref, "referral.waitlisted")
    assert [(e["payload"]["child_id"], e["payload"]["position"]) for e in events] == [
        (routine, 1),
        (urgent, 1),
    ]
    listed = ref.client.get("/waitlist?service_type=day_care", headers=case_manager(ref))
    assert [(e["child_id"], e["position"]) for e in listed.get_json()["items"]] == [
        (urgent, 1),
        (routine, 2),
    ]


def test_waiting_again_returns_the_same_entry_without_a_new_event(ref):
    full_provider(ref)
    child = waiting_child(ref)
    first = wait(ref, child).get_json()
    again = wait(ref, child)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert len(outbox(ref, "referral.waitlisted")) == 1


def test_completion_refers_the_best_placed_waiting_child(ref, clock):
    provider, placed = full_provider(ref)
    routine = waiting_child(ref, "routine")
    wait(ref, routine)
    clock.advance(hours=1)
    high = waiting_child(ref, "high")
    wait(ref, high)
    staff = provider_user(ref, provider["id"])
    act(ref, placed["id"], "start", {}, staff)
    act(ref, placed["id"], "complete", {"outcome": "goals met"}, staff)
    automatic = [e for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]]
    assert [e["payload"]["child_id"] for e in automatic] == [high]
    queue = ref.client.get("/waitlist", headers=case_manager(ref)).get_json()["items"]
    assert [(e["child_id"], e["position"]) for e in queue] == [(routine, 1)]


def test_raised_capacity_moves_the_queue(ref):
    provider, _ = full_provider(ref)
    child = waiting_child(ref)
    wait(ref, child)
    ref.client.patch(f"/providers/{provider['id']}", json={"places": 2}, headers=admin(ref))
    [auto] = [e for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]]
    assert auto["payload"]["child_id"] == child


def test_cancelled_placement_frees_the_place_for_the_queue(ref):
    _, placed = full_provider(ref)
    child = waiting_child(ref)
    wait(ref, child)
    act(ref, placed["id"], "cancel", {"reason": "family moved"}, case_manager(ref))
    auto = [
        e["payload"]["child_id"] for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]
    ]
    assert auto == [child]


def test_a_child_the_provider_cannot_take_is_passed_over(ref, clock):
    provider, placed = full_provider(ref, min_age=4)
    too_young = waiting_child(ref, "urgent", born="2024-01-01")
    assert wait(ref, too_young).status_code == 201
    clock.advance(hours=1)
    eligible = waiting_child(ref, "routine")
    wait(ref, eligible)
    act(ref, placed["id"], "cancel", {"reason": "family moved"}, case_manager(ref))
    auto = [
        e["payload"]["child_id"] for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]
    ]
    assert auto == [eligible]


def test_declined_offer_returns_the_child_to_its_place_and_the_next_is_offered(ref, clock):
    provider, placed = full_provider(ref)
    first = waiting_child(ref, "high")
    wait(ref, first)
    clock.advance(hours=1)
    second = waiting_child(ref, "high")
    wait(ref, second)
    act(ref, placed["id"], "cancel", {"reason": "family moved"}, case_manager(ref))
    offer = [e for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]][-1]
    assert offer["payload"]["child_id"] == first
    staff = provider_user(ref, provider["id"])
    clock.advance(minutes=5)
    declined = act(
        ref, offer["payload"]["referral_id"], "decline", {"reason": "not_eligible"}, staff
    )
    assert declined.status_code == 200
    offers = [
        e["payload"]["child_id"] for e in outbox(ref, "referral.sent") if e["payload"]["automatic"]
    ]
    assert offers == [first, second]
    queue = ref.client.get("/waitlist", headers=case_manager(ref)).get_json()["items"]
    assert [(e["child_id"], e["position"]) for e in queue] == [(first, 1)]
