"""Corrections and merges of a child: referrals, needs and queue places follow."""

import pytest

from .support import (
    act,
    add_provider,
    assess,
    case_manager,
    feed,
    outbox,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


def test_a_corrected_district_moves_the_childs_referral_to_that_case_manager(service):
    provider, child = add_provider(service), register_child(service)
    assess(service, child)
    referral = refer(service, child, provider["id"]).get_json()

    feed(service, "child.corrected", {"child_id": child, "changes": {"district_code": "vahdat"}})

    path = f"/referrals/{referral['id']}"
    assert service.client.get(path, headers=case_manager(service)).status_code == 404
    moved = service.client.get(path, headers=case_manager(service, ("vahdat",))).get_json()
    assert (moved["child"]["district_code"], moved["status"]) == ("vahdat", "sent")
    matches = service.client.get(
        f"/children/{child}/matches?service_type=day_care",
        headers=case_manager(service, ("vahdat",)),
    )
    assert matches.status_code == 200


def test_a_corrected_birth_date_changes_who_is_eligible(service):
    provider, child = add_provider(service, min_age=5), register_child(service, born="2023-04-12")
    assess(service, child)
    assert refer(service, child, provider["id"]).status_code == 422  # three years old
    feed(
        service, "child.corrected", {"child_id": child, "changes": {"date_of_birth": "2019-04-12"}}
    )
    assert refer(service, child, provider["id"]).status_code == 201


def test_a_merge_gives_the_survivor_one_referral_per_service_and_all_the_history(service):
    first, second = add_provider(service), add_provider(service, name="Day-care centre, Vahdat")
    survivor, duplicate = register_child(service), register_child(service)
    assess(service, survivor)
    assess(service, duplicate)
    sent = refer(service, survivor, first["id"]).get_json()
    taken = refer(service, duplicate, second["id"]).get_json()
    act(
        service,
        taken["id"],
        "accept",
        {"start_date": "2026-11-25"},
        provider_user(service, second["id"]),
    )

    feed(service, "child.merged", {"child_id": duplicate, "into": survivor})

    cm = case_manager(service)
    mine = service.client.get(f"/referrals?child_id={survivor}", headers=cm).get_json()["items"]
    assert {r["id"]: r["status"] for r in mine} == {
        taken["id"]: "accepted",
        sent["id"]: "cancelled",
    }
    [cancelled] = outbox(service, "referral.cancelled")
    assert cancelled["payload"]["referral_id"] == sent["id"]
    assert (
        service.client.get(f"/referrals?child_id={duplicate}", headers=cm).get_json()["total"] == 0
    )
    needs = service.client.get(f"/needs?child_id={survivor}", headers=cm).get_json()["items"]
    assert [(n["service_type"], n["status"]) for n in needs] == [("day_care", "placed")]
    assert service.client.get(f"/needs?child_id={duplicate}", headers=cm).get_json()["total"] == 0
    # The merged record is only a pointer: it takes no new referral.
    assert refer(service, duplicate, first["id"], kind="day_care").status_code == 422


def test_a_merge_keeps_the_earlier_place_in_the_queue(service, clock):
    full = add_provider(service, places=1)
    act(
        service,
        refer(service, register_child(service), full["id"]).get_json()["id"],
        "accept",
        {"start_date": "2026-11-25"},
        provider_user(service, full["id"]),
    )
    survivor, duplicate = register_child(service), register_child(service)
    for child in (duplicate, survivor):
        assess(service, child)
        body = {"child_id": child, "service_type": "day_care"}
        assert service.client.post(
            "/waitlist", json=body, headers=case_manager(service)
        ).status_code in (
            200,
            201,
        )
        clock.advance(hours=1)

    feed(service, "child.merged", {"child_id": duplicate, "into": survivor})

    queue = service.client.get(
        "/waitlist?service_type=day_care", headers=case_manager(service)
    ).get_json()
    waiting = [e for e in queue["items"] if e.get("status", "waiting") == "waiting"]
    assert [e["child_id"] for e in waiting] == [survivor]
    assert waiting[0]["position"] == 1


def test_a_child_referred_under_one_record_leaves_the_queue_of_the_other(service):
    full = add_provider(service, places=1)
    act(
        service,
        refer(service, register_child(service), full["id"]).get_json()["id"],
        "accept",
        {"start_date": "2026-11-25"},
        provider_user(service, full["id"]),
    )
    survivor, duplicate = register_child(service), register_child(service, district="vahdat")
    assess(service, survivor)
    body = {"child_id": survivor, "service_type": "day_care"}
    assert service.client.post(
        "/waitlist", json=body, headers=case_manager(service)
    ).status_code in (
        200,
        201,
    )
    # Serves only Vahdat: no place for the waiting child in Rudaki.
    other = add_provider(
        service, name="Day-care centre, Vahdat", districts_served=["vahdat"], district_code="vahdat"
    )
    assess(service, duplicate)
    referral = refer(service, duplicate, other["id"], districts=("vahdat",)).get_json()

    feed(service, "child.merged", {"child_id": duplicate, "into": survivor})

    queue = service.client.get(
        "/waitlist?service_type=day_care", headers=case_manager(service)
    ).get_json()
    assert [e["child_id"] for e in queue["items"] if e.get("status", "waiting") == "waiting"] == []
    mine = service.client.get(
        f"/referrals?child_id={survivor}", headers=case_manager(service)
    ).get_json()
    assert [(r["id"], r["status"]) for r in mine["items"]] == [(referral["id"], "sent")]
