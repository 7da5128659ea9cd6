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


def wait(service, child, kind="day_care"):
    body = {"child_id": child, "service_type": kind}
    return service.client.post("/waitlist", json=body, headers=case_manager(service))


def full_provider(service, **changes):
    """A one-place provider whose place is taken; return (provider, the placed referral)."""
    provider = add_provider(service, places=1, **changes)
    referral = refer(service, register_child(service), provider["id"]).get_json()
    act(service, referral["id"], "accept", START, provider_user(service, provider["id"]))
    return provider, referral


def waiting_child(service, priority="routine", born="2021-03-01"):
    child = register_child(service, born=born)
    assess(service, child, priority=priority)
    return child


def test_no_waiting_while_an_eligible_provider_has_a_place(service):
    provider = add_provider(service)
    response = wait(service, register_child(service))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["provider_ids"]) == ("places_available", [provider["id"]])


def test_positions_by_priority_then_waiting_time(service, clock):
    full_provider(service)
    routine = waiting_child(service, "routine")
    first = wait(service, routine)
    assert first.status_code == 201
    assert first.get_json()["position"] == 1
    clock.advance(hours=1)
    urgent = waiting_child(service, "urgent")
    assert wait(service, urgent).get_json()["position"] == 1
    events = outbox(service, "referral.waitlisted")
    assert [(e["payload"]["child_id"], e["payload"]["position"]) for e in events] == [
        (routine, 1),
        (urgent, 1),
    ]
    listed = service.client.get("/waitlist?service_type=day_care", headers=case_manager(service))
    assert [(e["child_id"], e["position"]) for e in listed.get_json()["items"]] == [
        (urgent, 1),
        (routine, 2),
    ]


def test_waiting_again_returns_the_same_entry_without_a_new_event(service):
    full_provider(service)
    child = waiting_child(service)
    first = wait(service, child).get_json()
    again = wait(service, child)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert len(outbox(service, "referral.waitlisted")) == 1


def test_completion_refers_the_best_placed_waiting_child(service, clock):
    provider, placed = full_provider(service)
    routine = waiting_child(service, "routine")
    wait(service, routine)
    clock.advance(hours=1)
    high = waiting_child(service, "high")
    wait(service, high)
    staff = provider_user(service, provider["id"])
    act(service, placed["id"], "start", {}, staff)
    act(service, placed["id"], "complete", {"outcome": "goals met"}, staff)
    automatic = [e for e in outbox(service, "referral.sent") if e["payload"]["automatic"]]
    assert [e["payload"]["child_id"] for e in automatic] == [high]
    queue = service.client.get("/waitlist", headers=case_manager(service)).get_json()["items"]
    assert [(e["child_id"], e["position"]) for e in queue] == [(routine, 1)]


def test_raised_capacity_moves_the_queue(service):
    provider, _ = full_provider(service)
    child = waiting_child(service)
    wait(service, child)
    service.client.patch(f"/providers/{provider['id']}", json={"places": 2}, headers=admin(service))
    [auto] = [e for e in outbox(service, "referral.sent") if e["payload"]["automatic"]]
    assert auto["payload"]["child_id"] == child


def test_cancelled_placement_frees_the_place_for_the_queue(service):
    _, placed = full_provider(service)
    child = waiting_child(service)
    wait(service, child)
    act(service, placed["id"], "cancel", {"reason": "family moved"}, case_manager(service))
    auto = [
        e["payload"]["child_id"]
        for e in outbox(service, "referral.sent")
        if e["payload"]["automatic"]
    ]
    assert auto == [child]


def test_a_child_the_provider_cannot_take_is_passed_over(service, clock):
    provider, placed = full_provider(service, min_age=4)
    too_young = waiting_child(service, "urgent", born="2024-01-01")
    assert wait(service, too_young).status_code == 201
    clock.advance(hours=1)
    eligible = waiting_child(service, "routine")
    wait(service, eligible)
    act(service, placed["id"], "cancel", {"reason": "family moved"}, case_manager(service))
    auto = [
        e["payload"]["child_id"]
        for e in outbox(service, "referral.sent")
        if e["payload"]["automatic"]
    ]
    assert auto == [eligible]


def test_declined_offer_returns_the_child_to_its_place_and_the_next_is_offered(service, clock):
    provider, placed = full_provider(service)
    first = waiting_child(service, "high")
    wait(service, first)
    clock.advance(hours=1)
    second = waiting_child(service, "high")
    wait(service, second)
    act(service, placed["id"], "cancel", {"reason": "family moved"}, case_manager(service))
    offer = [e for e in outbox(service, "referral.sent") if e["payload"]["automatic"]][-1]
    assert offer["payload"]["child_id"] == first
    staff = provider_user(service, provider["id"])
    clock.advance(minutes=5)
    declined = act(
        service, offer["payload"]["referral_id"], "decline", {"reason": "not_eligible"}, staff
    )
    assert declined.status_code == 200
    offers = [
        e["payload"]["child_id"]
        for e in outbox(service, "referral.sent")
        if e["payload"]["automatic"]
    ]
    assert offers == [first, second]
    queue = service.client.get("/waitlist", headers=case_manager(service)).get_json()["items"]
    assert [(e["child_id"], e["position"]) for e in queue] == [(first, 1)]
