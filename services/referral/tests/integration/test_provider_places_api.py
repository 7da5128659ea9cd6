"""PUT /providers/{id}/places: a provider's coordinator sets its free places; matching follows."""

import pytest

from .support import act, add_provider, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def _matches(service, child: str) -> list[dict]:
    answer = service.client.get(
        f"/children/{child}/matches?service_type=day_care", headers=case_manager(service)
    )
    return answer.get_json()["items"]


def test_free_places_set_by_the_provider_change_the_next_matches(service):
    created = add_provider(service)
    child = register_child(service)
    assert _matches(service, child)[0]["free_places"] == 2
    answer = service.client.put(
        f"/providers/{created['id']}/places",
        json={"free_places": 0},
        headers=provider_user(service, created["id"]),
    )
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["free_places"], answer.get_json()["places"]) == (0, 0)
    assert _matches(service, child)[0]["free_places"] == 0


def test_free_places_add_to_the_places_already_held(service):
    created = add_provider(service)
    own = provider_user(service, created["id"])
    referral = refer(service, register_child(service), created["id"]).get_json()
    act(service, referral["id"], "accept", {"start_date": "2026-12-01"}, own)
    answer = service.client.put(
        f"/providers/{created['id']}/places", json={"free_places": 3}, headers=own
    )
    body = answer.get_json()
    assert (body["places"], body["places_taken"], body["free_places"]) == (4, 1, 3)


def test_only_the_providers_own_staff_may_set_its_places(service):
    created = add_provider(service)
    path = f"/providers/{created['id']}/places"
    other = service.client.put(
        path, json={"free_places": 9}, headers=provider_user(service, "other-id")
    )
    assert other.status_code == 404
    manager = service.client.put(path, json={"free_places": 9}, headers=case_manager(service))
    assert manager.status_code == 403
    read = service.client.get(
        f"/providers/{created['id']}", headers=case_manager(service)
    ).get_json()
    assert read["places"] == 2


@pytest.mark.parametrize("body", [{}, {"free_places": -1}, {"free_places": "many"}])
def test_bad_numbers_are_refused_with_the_field_named(service, body):
    created = add_provider(service)
    answer = service.client.put(
        f"/providers/{created['id']}/places",
        json=body,
        headers=provider_user(service, created["id"]),
    )
    assert answer.status_code == 422
    assert "free_places" in answer.get_json()["error"]["fields"]


def test_a_contracted_providers_places_follow_its_contracts_not_the_coordinator(service):
    from .test_quality_events import contract

    created = add_provider(service)
    contract(service, created["id"], places=5)
    answer = service.client.put(
        f"/providers/{created['id']}/places",
        json={"free_places": 9},
        headers=provider_user(service, created["id"]),
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "places_follow_contracts"
    assert _matches(service, register_child(service))[0]["free_places"] == 5
