"""PUT /providers/{id}/places: a provider's coordinator sets its free places; matching follows."""

import pytest

from .support import act, add_provider, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def _matches(ref, child: str) -> list[dict]:
    answer = ref.client.get(
        f"/children/{child}/matches?service_type=day_care", headers=case_manager(ref)
    )
    return answer.get_json()["items"]


def test_free_places_set_by_the_provider_change_the_next_matches(ref):
    created = add_provider(ref)
    child = register_child(ref)
    assert _matches(ref, child)[0]["free_places"] == 2
    answer = ref.client.put(
        f"/providers/{created['id']}/places",
        json={"free_places": 0},
        headers=provider_user(ref, created["id"]),
    )
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["free_places"], answer.get_json()["places"]) == (0, 0)
    assert _matches(ref, child)[0]["free_places"] == 0


def test_free_places_add_to_the_places_already_held(ref):
    created = add_provider(ref)
    own = provider_user(ref, created["id"])
    referral = refer(ref, register_child(ref), created["id"]).get_json()
    act(ref, referral["id"], "accept", {"start_date": "2026-12-01"}, own)
    answer = ref.client.put(f"/providers/{created['id']}/places", json={"free_places": 3},
                            headers=own)  # fmt: skip
    body = answer.get_json()
    assert (body["places"], body["places_taken"], body["free_places"]) == (4, 1, 3)


def test_only_the_providers_own_staff_may_set_its_places(ref):
    created = add_provider(ref)
    path = f"/providers/{created['id']}/places"
    other = ref.client.put(path, json={"free_places": 9}, headers=provider_user(ref, "other-id"))
    assert other.status_code == 404
    manager = ref.client.put(path, json={"free_places": 9}, headers=case_manager(ref))
    assert manager.status_code == 403
    read = ref.client.get(f"/providers/{created['id']}", headers=case_manager(ref)).get_json()
    assert read["places"] == 2


@pytest.mark.parametrize("body", [{}, {"free_places": -1}, {"free_places": "many"}])
def test_bad_numbers_are_refused_with_the_field_named(ref, body):
    created = add_provider(ref)
    answer = ref.client.put(f"/providers/{created['id']}/places", json=body,
                            headers=provider_user(ref, created["id"]))  # fmt: skip
    assert answer.status_code == 422
    assert "free_places" in answer.get_json()["error"]["fields"]


def test_a_contracted_providers_places_follow_its_contracts_not_the_coordinator(ref):
    from .test_quality_events import contract

    created = add_provider(ref)
    contract(ref, created["id"], places=5)
    answer = ref.client.put(f"/providers/{created['id']}/places", json={"free_places": 9},
                            headers=provider_user(ref, created["id"]))  # fmt: skip
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "places_follow_contracts"
    assert _matches(ref, register_child(ref))[0]["free_places"] == 5
