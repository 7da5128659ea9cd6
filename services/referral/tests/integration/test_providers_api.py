"""The provider directory over HTTP: admins manage it, others read it."""

import pytest

from .support import (
    PROVIDER,
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


def test_admin_adds_a_provider_with_a_normalised_phone(service):
    created = add_provider(service)
    assert created["phone"] == "+992939021144"
    assert created["sms_capable"] is True
    assert (created["places"], created["places_taken"], created["free_places"]) == (2, 0, 2)
    read = service.client.get(f"/providers/{created['id']}", headers=case_manager(service))
    assert read.status_code == 200
    assert read.get_json()["districts_served"] == ["rudaki", "vahdat"]


def test_an_inspector_reads_the_directory_to_choose_whom_they_inspected(service):
    created = add_provider(service)
    headers = service.auth("inspector", sub="inspector-1")
    listed = service.client.get("/providers", headers=headers).get_json()
    assert [p["id"] for p in listed["items"]] == [created["id"]]
    assert service.client.post("/providers", json=PROVIDER, headers=headers).status_code == 403


def test_only_admins_manage_the_directory(service):
    response = service.client.post("/providers", json=PROVIDER, headers=case_manager(service))
    assert response.status_code == 403
    assert service.client.get("/providers").status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"districts_served": ["atlantis"]}, "districts_served"),
        ({"service_types": ["hospital"]}, "service_types"),
        ({"phone": "12345"}, "phone"),
        ({"min_age": 9, "max_age": 3}, "min_age"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_providers_are_refused_with_the_field_named(service, change, field):
    response = service.client.post(
        "/providers", json={**PROVIDER, **change}, headers=admin(service)
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert service.client.get("/providers", headers=admin(service)).get_json()["total"] == 0


def test_list_filters_by_service_type_and_district_served(service):
    add_provider(service)
    add_provider(
        service,
        name="Home care, Khujand",
        service_types=["home_based"],
        districts_served=["khujand"],
        district_code="khujand",
    )
    headers = provider_user(service, "any-provider")
    by_type = service.client.get("/providers?service_type=home_based", headers=headers).get_json()
    assert [p["name"] for p in by_type["items"]] == ["Home care, Khujand"]
    by_district = service.client.get("/providers?district_code=vahdat", headers=headers).get_json()
    assert [p["name"] for p in by_district["items"]] == ["Day-care centre, Rudaki"]
    page = service.client.get("/providers?page_size=1&page=2", headers=headers).get_json()
    assert (page["total"], page["page"], len(page["items"])) == (2, 2, 1)


def test_patch_changes_only_what_is_sent(service):
    created = add_provider(service)
    response = service.client.patch(
        f"/providers/{created['id']}",
        json={"places": 5, "accredited": False},
        headers=admin(service),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["places"], body["accredited"], body["name"]) == (5, False, PROVIDER["name"])


def test_unknown_provider_is_404(service):
    missing = "00000000-0000-0000-0000-000000000000"
    assert service.client.get(f"/providers/{missing}", headers=admin(service)).status_code == 404
    patched = service.client.patch(
        f"/providers/{missing}", json={"places": 1}, headers=admin(service)
    )
    assert patched.status_code == 404


def test_two_providers_may_share_a_name(service):
    first = add_provider(service)
    response = service.client.post("/providers", json=PROVIDER, headers=admin(service))
    assert response.status_code == 201 and response.get_json()["id"] != first["id"]


def test_places_cannot_drop_below_the_children_holding_them(service):
    created = add_provider(service)
    referral = refer(service, register_child(service), created["id"]).get_json()
    act(
        service,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(service, created["id"]),
    )
    response = service.client.patch(
        f"/providers/{created['id']}", json={"places": 0}, headers=admin(service)
    )
    assert response.status_code == 422
    assert "places" in response.get_json()["error"]["fields"]
    read = service.client.get(f"/providers/{created['id']}", headers=admin(service)).get_json()
    assert (read["places"], read["places_taken"]) == (2, 1)


def test_names_in_tajik_and_russian_are_kept_shown_and_travel_in_events(service):
    names = {"name_tg": "Маркази рӯзонаи «Чашма»", "name_ru": "Дневной центр «Чашма»"}
    created = add_provider(service, **names)
    assert {k: created[k] for k in names} == names
    listed = service.client.get("/providers", headers=admin(service)).get_json()["items"]
    assert {k: only_one(listed)[k] for k in names} == names
    child = register_child(service)
    assess(service, child)
    sent = refer(service, child, created["id"]).get_json()
    staff = provider_user(service, created["id"])
    assert (
        act(service, sent["id"], "accept", {"start_date": "2026-11-30"}, staff).status_code == 200
    )
    for event_type in ("referral.sent", "referral.accepted"):
        provider = outbox(service, event_type)[-1]["payload"]["provider"]
        assert {k: provider[k] for k in names} == names


def test_names_in_other_languages_are_optional(service):
    created = add_provider(service)
    assert (created["name_tg"], created["name_ru"]) == (None, None)


def only_one(items):
    assert len(items) == 1
    return items[0]
