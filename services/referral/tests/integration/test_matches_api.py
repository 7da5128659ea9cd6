"""GET /children/{id}/matches: eligible providers ranked, each with reasons a person can read."""

import pytest

from .support import act, add_provider, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def matches(ref, child, query="service_type=day_care", districts=("rudaki",)):
    return ref.client.get(
        f"/children/{child}/matches?{query}", headers=case_manager(ref, districts)
    )


def test_ranked_with_reasons(ref):
    add_provider(ref, name="Near, not accredited", accredited=False)
    add_provider(ref, name="Hisor centre", district_code="hisor", districts_served=["rudaki"],
                 latitude=38.53, longitude=68.55)  # fmt: skip
    add_provider(ref, name="Rudaki centre")
    full = add_provider(ref, name="Full centre", places=1)
    placed = refer(ref, register_child(ref), full["id"]).get_json()
    act(ref, placed["id"], "accept", {"start_date": "2026-12-01"}, provider_user(ref, full["id"]))
    body = matches(ref, register_child(ref, language="ru")).get_json()
    assert [m["provider"]["name"] for m in body["items"]] == [
        "Rudaki centre", "Near, not accredited", "Hisor centre", "Full centre",
    ]  # fmt: skip
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


def test_ineligible_providers_are_explained_on_request(ref):
    add_provider(ref, name="Khujand only", districts_served=["khujand"], district_code="khujand")
    child = register_child(ref)
    plain = matches(ref, child).get_json()
    assert (plain["total"], plain["can_waitlist"], "ineligible" in plain) == (0, True, False)
    explained = matches(ref, child, "service_type=day_care&include_ineligible=true").get_json()
    [entry] = explained["ineligible"]
    assert entry["reasons"] == ["does not serve Rudaki"]
    assert entry["eligible"] is False


def test_matches_need_a_service_type_and_a_child_in_scope(ref):
    child = register_child(ref)
    assert matches(ref, child, "").status_code == 422
    assert matches(ref, child, districts=("khujand",)).status_code == 404
    staff = ref.client.get(
        f"/children/{child}/matches?service_type=day_care", headers=provider_user(ref, "p")
    )
    assert staff.status_code == 403


def test_the_same_providers_are_eligible_whether_or_not_the_rest_are_explained(ref):
    # Look-alike codes and lists: the database's coarse filter must neither drop nor add one.
    add_provider(ref, name="Rudaki and Hisor", districts_served=["hisor", "rudaki"])
    add_provider(ref, name="Several services", service_types=["home_based", "day_care"])
    add_provider(ref, name="Other service", service_types=["home_based"])
    add_provider(ref, name="Closed", active=False)
    add_provider(ref, name="Hisor only", districts_served=["hisor"], district_code="hisor")
    add_provider(ref, name="Too old", min_age=16, max_age=17)
    child = register_child(ref)
    plain = matches(ref, child).get_json()
    explained = matches(ref, child, "service_type=day_care&include_ineligible=true").get_json()
    names = sorted(m["provider"]["name"] for m in plain["items"])
    assert names == ["Rudaki and Hisor", "Several services"]
    assert plain["items"] == explained["items"]
    assert sorted(m["provider"]["name"] for m in explained["ineligible"]) == [
        "Closed", "Hisor only", "Other service", "Too old",
    ]  # fmt: skip
