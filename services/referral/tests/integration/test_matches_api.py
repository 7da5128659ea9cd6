"""GET /children/{id}/matches: eligible providers ranked, each with reasons a person can read."""

import pytest

from .support import act, add_provider, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def matches(service, child, query="service_type=day_care", districts=("rudaki",)):
    return service.client.get(
        f"/children/{child}/matches?{query}", headers=case_manager(service, districts)
    )


def test_ranked_with_reasons(service):
    add_provider(service, name="Near, not accredited", accredited=False)
    add_provider(
        service,
        name="Hisor centre",
        district_code="hisor",
        districts_served=["rudaki"],
        latitude=38.53,
        longitude=68.55,
    )
    add_provider(service, name="Rudaki centre")
    full = add_provider(service, name="Full centre", places=1)
    placed = refer(service, register_child(service), full["id"]).get_json()
    act(
        service,
        placed["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(service, full["id"]),
    )
    body = matches(service, register_child(service, language="ru")).get_json()
    assert [m["provider"]["name"] for m in body["items"]] == [
        "Rudaki centre",
        "Near, not accredited",
        "Hisor centre",
        "Full centre",
    ]
    assert [m["rank"] for m in body["items"]] == [1, 2, 3, 4]
    assert body["items"][0]["reasons"] == [
        "2 of 2 places free",
        "serves Rudaki; located in the same district",
        "accredited",
        "< 1 km",
        "works in Russian",
    ]
    hisor = body["items"][2]
    assert hisor["proximity"] == "same_region"
    assert "≈23 km" in hisor["reasons"]
    assert body["items"][3]["reasons"][0] == "full: 0 of 1 places free"
    assert body["can_waitlist"] is False


def test_ineligible_providers_are_explained_on_request(service):
    add_provider(
        service, name="Khujand only", districts_served=["khujand"], district_code="khujand"
    )
    child = register_child(service)
    plain = matches(service, child).get_json()
    assert (plain["total"], plain["can_waitlist"], "ineligible" in plain) == (0, True, False)
    explained = matches(service, child, "service_type=day_care&include_ineligible=true").get_json()
    [entry] = explained["ineligible"]
    assert entry["reasons"] == ["does not serve Rudaki"]
    assert entry["eligible"] is False


def test_matches_need_a_service_type_and_a_child_in_scope(service):
    child = register_child(service)
    assert matches(service, child, "").status_code == 422
    assert matches(service, child, districts=("khujand",)).status_code == 404
    staff = service.client.get(
        f"/children/{child}/matches?service_type=day_care", headers=provider_user(service, "p")
    )
    assert staff.status_code == 403


def test_the_same_providers_are_eligible_whether_or_not_the_rest_are_explained(service):
    # Look-alike codes and lists: the database's coarse filter must neither drop nor add one.
    add_provider(service, name="Rudaki and Hisor", districts_served=["hisor", "rudaki"])
    add_provider(service, name="Several services", service_types=["home_based", "day_care"])
    add_provider(service, name="Other service", service_types=["home_based"])
    add_provider(service, name="Closed", active=False)
    add_provider(service, name="Hisor only", districts_served=["hisor"], district_code="hisor")
    add_provider(service, name="Too old", min_age=16, max_age=17)
    child = register_child(service)
    plain = matches(service, child).get_json()
    explained = matches(service, child, "service_type=day_care&include_ineligible=true").get_json()
    names = sorted(m["provider"]["name"] for m in plain["items"])
    assert names == ["Rudaki and Hisor", "Several services"]
    assert plain["items"] == explained["items"]
    assert sorted(m["provider"]["name"] for m in explained["ineligible"]) == [
        "Closed",
        "Hisor only",
        "Other service",
        "Too old",
    ]
