"""Provider benchmarking and district coverage over HTTP on a small known history."""

import pytest

from .support import act, add_provider, assess, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


@pytest.fixture
def history(service, clock):
    """Rudaki: one referral accepted after a day and started, one declined; Murghob: a child
    waiting for day care with no provider; Khujand: a child not assessed yet."""
    rudaki = add_provider(service, name="Rudaki centre", places=3)
    c1, c2, c3 = (
        register_child(service),
        register_child(service),
        register_child(service, district="murghob"),
    )
    register_child(service, district="khujand")
    clock.advance(days=1)
    for child in (c1, c2, c3):
        assess(service, child)
    r1 = refer(service, c1, rudaki["id"]).get_json()
    r2 = refer(service, c2, rudaki["id"]).get_json()
    own = provider_user(service, rudaki["id"])
    clock.advance(hours=12)
    act(service, r2["id"], "decline", {"reason": "no_capacity"}, own)
    clock.advance(hours=12)
    act(service, r1["id"], "accept", {"start_date": clock.now.date().isoformat()}, own)
    clock.advance(days=1)
    assert act(service, r1["id"], "start", {}, own).status_code == 200
    body = {"child_id": c3, "service_type": "day_care"}
    murghob = case_manager(service, ["murghob"])
    assert service.client.post("/waitlist", json=body, headers=murghob).status_code == 201
    return rudaki


def test_each_provider_is_benchmarked(service, history):
    body = service.client.get("/reports/providers", headers=service.auth("admin")).get_json()
    (row,) = body["items"]
    assert (row["name"], row["received"], row["accepted"], row["declined"]) == (
        "Rudaki centre",
        2,
        1,
        1,
    )
    assert (row["acceptance_rate"], row["decline_rate"]) == (0.5, 0.5)
    assert (row["median_days_to_answer"], row["median_days_to_start"]) == (0.8, 2.0)
    assert (row["places"], row["places_taken"], row["occupancy"]) == (3, 1, 0.333)
    assert row["region_code"] == "TJ-RA"


def test_benchmark_filters_by_service_type(service, history):
    answer = service.client.get(
        "/reports/providers?service_type=home_based", headers=service.auth("admin")
    )
    assert answer.get_json()["items"] == []
    bad = service.client.get(
        "/reports/providers?service_type=hospital", headers=service.auth("admin")
    )
    assert bad.status_code == 422


def test_coverage_marks_districts_with_children_and_no_free_place(service, history):
    body = service.client.get(
        "/reports/coverage?service_type=day_care", headers=service.auth("admin")
    )
    items = {d["district_code"]: d for d in body.get_json()["items"]}
    assert items["murghob"]["waiting_for_place"] == 1 and items["murghob"]["gap"] is True
    # Khujand: a child waits for assessment and no provider with a free place serves it.
    assert items["khujand"]["waiting_for_assessment"] == 1 and items["khujand"]["gap"] is True
    assert items["khujand"]["median_days_waiting_for_assessment"] == 3.0
    assert (items["rudaki"]["providers"], items["rudaki"]["free_places"]) == (1, 2)


def test_case_managers_see_only_their_districts(service, history):
    mine = service.client.get(
        "/reports/coverage", headers=case_manager(service, ["murghob"])
    ).get_json()
    assert [d["district_code"] for d in mine["items"]] == ["murghob"]
    other = service.client.get(
        "/reports/providers?district=rudaki", headers=case_manager(service, ["murghob"])
    )
    assert other.status_code == 403
    assert (
        service.client.get(
            "/reports/providers", headers=service.auth("provider", provider_id=history["id"])
        ).status_code
        == 403
    )


def test_children_waiting_for_assessment_where_no_provider_serves_are_a_gap(service):
    register_child(service, district="murghob")
    rows = service.client.get("/reports/coverage", headers=service.auth("admin")).get_json()[
        "items"
    ]
    murghob = next(row for row in rows if row["district_code"] == "murghob")
    assert (murghob["waiting_for_assessment"], murghob["providers"], murghob["gap"]) == (1, 0, True)
