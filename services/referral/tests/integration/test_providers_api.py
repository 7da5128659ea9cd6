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


def test_admin_adds_a_provider_with_a_normalised_phone(ref):
    created = add_provider(ref)
    assert created["phone"] == "+992939021144"
    assert created["sms_capable"] is True
    assert (created["places"], created["places_taken"], created["free_places"]) == (2, 0, 2)
    read = ref.client.get(f"/providers/{created['id']}", headers=case_manager(ref))
    assert read.status_code == 200
    assert read.get_json()["districts_served"] == ["rudaki", "vahdat"]


def test_an_inspector_reads_the_directory_to_choose_whom_they_inspected(ref):
    created = add_provider(ref)
    headers = ref.auth("inspector", sub="inspector-1")
    listed = ref.client.get("/providers", headers=headers).get_json()
    assert [p["id"] for p in listed["items"]] == [created["id"]]
    assert ref.client.post("/providers", json=PROVIDER, headers=headers).status_code == 403


def test_only_admins_manage_the_directory(ref):
    response = ref.client.post("/providers", json=PROVIDER, headers=case_manager(ref))
    assert response.status_code == 403
    assert ref.client.get("/providers").status_code == 401


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
def test_invalid_providers_are_refused_with_the_field_named(ref, change, field):
    response = ref.client.post("/providers", json={**PROVIDER, **change}, headers=admin(ref))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert ref.client.get("/providers", headers=admin(ref)).get_json()["total"] == 0


def test_list_filters_by_service_type_and_district_served(ref):
    add_provider(ref)
    add_provider(ref, name="Home care, Khujand", service_types=["home_based"],
                 districts_served=["khujand"], district_code="khujand")  # fmt: skip
    headers = provider_user(ref, "any-provider")
    by_type = ref.client.get("/providers?service_type=home_based", headers=headers).get_json()
    assert [p["name"] for p in by_type["items"]] == ["Home care, Khujand"]
    by_district = ref.client.get("/providers?district_code=vahdat", headers=headers).get_json()
    assert [p["name"] for p in by_district["items"]] == ["Day-care centre, Rudaki"]
    page = ref.client.get("/providers?page_size=1&page=2", headers=headers).get_json()
    assert (page["total"], page["page"], len(page["items"])) == (2, 2, 1)


def test_patch_changes_only_what_is_sent(ref):
    created = add_provider(ref)
    response = ref.client.patch(
        f"/providers/{created['id']}", json={"places": 5, "accredited": False}, headers=admin(ref)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["places"], body["accredited"], body["name"]) == (5, False, PROVIDER["name"])


def test_unknown_provider_is_404(ref):
    missing = "00000000-0000-0000-0000-000000000000"
    assert ref.client.get(f"/providers/{missing}", headers=admin(ref)).status_code == 404
    patched = ref.client.patch(f"/providers/{missing}", json={"places": 1}, headers=admin(ref))
    assert patched.status_code == 404


def test_two_providers_may_share_a_name(ref):
    first = add_provider(ref)
    response = ref.client.post("/providers", json=PROVIDER, headers=admin(ref))
    assert response.status_code == 201 and response.get_json()["id"] != first["id"]


def test_places_cannot_drop_below_the_children_holding_them(ref):
    created = add_provider(ref)
    referral = refer(ref, register_child(ref), created["id"]).get_json()
    act(
        ref,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(ref, created["id"]),
    )
    response = ref.client.patch(
        f"/providers/{created['id']}", json={"places": 0}, headers=admin(ref)
    )
    assert response.status_code == 422
    assert "places" in response.get_json()["error"]["fields"]
    read = ref.client.get(f"/providers/{created['id']}", headers=admin(ref)).get_json()
    assert (read["places"], read["places_taken"]) == (2, 1)


def test_names_in_tajik_and_russian_are_kept_shown_and_travel_in_events(ref):
    names = {"name_tg": "Маркази рӯзонаи «Чашма»", "name_ru": "Дневной центр «Чашма»"}
    created = add_provider(ref, **names)
    assert {k: created[k] for k in names} == names
    listed = ref.client.get("/providers", headers=admin(ref)).get_json()["items"]
    assert {k: only_one(listed)[k] for k in names} == names
    child = register_child(ref)
    assess(ref, child)
    sent = refer(ref, child, created["id"]).get_json()
    staff = provider_user(ref, created["id"])
    assert act(ref, sent["id"], "accept", {"start_date": "2026-11-30"}, staff).status_code == 200
    for event_type in ("referral.sent", "referral.accepted"):
        provider = outbox(ref, event_type)[-1]["payload"]["provider"]
        assert {k: provider[k] for k in names} == names


def test_names_in_other_languages_are_optional(ref):
    created = add_provider(ref)
    assert (created["name_tg"], created["name_ru"]) == (None, None)


def only_one(items):
    assert len(items) == 1
    return items[0]
