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


def test_a_corrected_district_moves_the_childs_referral_to_that_case_manager(ref):
    provider, child = add_provider(ref), register_child(ref)
    assess(ref, child)
    referral = refer(ref, child, provider["id"]).get_json()

    feed(ref, "child.corrected", {"child_id": child, "changes": {"district_code": "vahdat"}})

    path = f"/referrals/{referral['id']}"
    assert ref.client.get(path, headers=case_manager(ref)).status_code == 404
    moved = ref.client.get(path, headers=case_manager(ref, ("vahdat",))).get_json()
    assert (moved["child"]["district_code"], moved["status"]) == ("vahdat", "sent")
    matches = ref.client.get(f"/children/{child}/matches?service_type=day_care",
                             headers=case_manager(ref, ("vahdat",)))  # fmt: skip
    assert matches.status_code == 200


def test_a_corrected_birth_date_changes_who_is_eligible(ref):
    provider, child = add_provider(ref, min_age=5), register_child(ref, born="2023-04-12")
    assess(ref, child)
    assert refer(ref, child, provider["id"]).status_code == 422  # three years old
    feed(ref, "child.corrected", {"child_id": child, "changes": {"date_of_birth": "2019-04-12"}})
    assert refer(ref, child, provider["id"]).status_code == 201


def test_a_merge_gives_the_survivor_one_referral_per_service_and_all_the_history(ref):
    first, second = add_provider(ref), add_provider(ref, name="Day-care centre, Vahdat")
    survivor, duplicate = register_child(ref), register_child(ref)
    assess(ref, survivor)
    assess(ref, duplicate)
    sent = refer(ref, survivor, first["id"]).get_json()
    taken = refer(ref, duplicate, second["id"]).get_json()
    act(ref, taken["id"], "accept", {"start_date": "2026-11-25"}, provider_user(ref, second["id"]))

    feed(ref, "child.merged", {"child_id": duplicate, "into": survivor})

    cm = case_manager(ref)
    mine = ref.client.get(f"/referrals?child_id={survivor}", headers=cm).get_json()["items"]
    assert {r["id"]: r["status"] for r in mine} == {taken["id"]: "accepted",
                                                    sent["id"]: "cancelled"}  # fmt: skip
    [cancelled] = outbox(ref, "referral.cancelled")
    assert cancelled["payload"]["referral_id"] == sent["id"]
    assert ref.client.get(f"/referrals?child_id={duplicate}", headers=cm).get_json()["total"] == 0
    needs = ref.client.get(f"/needs?child_id={survivor}", headers=cm).get_json()["items"]
    assert [(n["service_type"], n["status"]) for n in needs] == [("day_care", "placed")]
    assert ref.client.get(f"/needs?child_id={duplicate}", headers=cm).get_json()["total"] == 0
    # The merged record is only a pointer: it takes no new referral.
    assert refer(ref, duplicate, first["id"], kind="day_care").status_code == 422


def test_a_merge_keeps_the_earlier_place_in_the_queue(ref, clock):
    full = add_provider(ref, places=1)
    act(ref, refer(ref, register_child(ref), full["id"]).get_json()["id"], "accept",
        {"start_date": "2026-11-25"}, provider_user(ref, full["id"]))  # fmt: skip
    survivor, duplicate = register_child(ref), register_child(ref)
    for child in (duplicate, survivor):
        assess(ref, child)
        body = {"child_id": child, "service_type": "day_care"}
        assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code in (
            200, 201,
        )  # fmt: skip
        clock.advance(hours=1)

    feed(ref, "child.merged", {"child_id": duplicate, "into": survivor})

    queue = ref.client.get("/waitlist?service_type=day_care", headers=case_manager(ref)).get_json()
    waiting = [e for e in queue["items"] if e.get("status", "waiting") == "waiting"]
    assert [e["child_id"] for e in waiting] == [survivor]
    assert waiting[0]["position"] == 1


def test_a_child_referred_under_one_record_leaves_the_queue_of_the_other(ref):
    full = add_provider(ref, places=1)
    act(ref, refer(ref, register_child(ref), full["id"]).get_json()["id"], "accept",
        {"start_date": "2026-11-25"}, provider_user(ref, full["id"]))  # fmt: skip
    survivor, duplicate = register_child(ref), register_child(ref, district="vahdat")
    assess(ref, survivor)
    body = {"child_id": survivor, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code in (
        200, 201,
    )  # fmt: skip
    # Serves only Vahdat: no place for the waiting child in Rudaki.
    other = add_provider(ref, name="Day-care centre, Vahdat", districts_served=["vahdat"],
                         district_code="vahdat")  # fmt: skip
    assess(ref, duplicate)
    referral = refer(ref, duplicate, other["id"], districts=("vahdat",)).get_json()

    feed(ref, "child.merged", {"child_id": duplicate, "into": survivor})

    queue = ref.client.get("/waitlist?service_type=day_care", headers=case_manager(ref)).get_json()
    assert [e["child_id"] for e in queue["items"] if e.get("status", "waiting") == "waiting"] == []
    mine = ref.client.get(f"/referrals?child_id={survivor}", headers=case_manager(ref)).get_json()
    assert [(r["id"], r["status"]) for r in mine["items"]] == [(referral["id"], "sent")]
