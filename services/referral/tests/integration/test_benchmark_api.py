"""Provider benchmarking and district coverage over HTTP on a small known history."""

import pytest

from .support import act, add_provider, assess, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration


@pytest.fixture
def history(ref, clock):
    """Rudaki: one referral accepted after a day and started, one declined; Murghob: a child
    waiting for day care with no provider; Khujand: a child not assessed yet."""
    rudaki = add_provider(ref, name="Rudaki centre", places=3)
    c1, c2, c3 = register_child(ref), register_child(ref), register_child(ref, district="murghob")
    register_child(ref, district="khujand")
    clock.advance(days=1)
    for child in (c1, c2, c3):
        assess(ref, child)
    r1 = refer(ref, c1, rudaki["id"]).get_json()
    r2 = refer(ref, c2, rudaki["id"]).get_json()
    own = provider_user(ref, rudaki["id"])
    clock.advance(hours=12)
    act(ref, r2["id"], "decline", {"reason": "no_capacity"}, own)
    clock.advance(hours=12)
    act(ref, r1["id"], "accept", {"start_date": clock.now.date().isoformat()}, own)
    clock.advance(days=1)
    assert act(ref, r1["id"], "start", {}, own).status_code == 200
    body = {"child_id": c3, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body,
                           headers=case_manager(ref, ["murghob"])).status_code == 201  # fmt: skip
    return rudaki


def test_each_provider_is_benchmarked(ref, history):
    body = ref.client.get("/reports/providers", headers=ref.auth("admin")).get_json()
    (row,) = body["items"]
    assert (row["name"], row["received"], row["accepted"], row["declined"]) == (
        "Rudaki centre", 2, 1, 1,
    )  # fmt: skip
    assert (row["acceptance_rate"], row["decline_rate"]) == (0.5, 0.5)
    assert (row["median_days_to_answer"], row["median_days_to_start"]) == (0.8, 2.0)
    assert (row["places"], row["places_taken"], row["occupancy"]) == (3, 1, 0.333)
    assert row["region_code"] == "TJ-RA"


def test_benchmark_filters_by_service_type(ref, history):
    answer = ref.client.get("/reports/providers?service_type=home_based",
                            headers=ref.auth("admin"))  # fmt: skip
    assert answer.get_json()["items"] == []
    bad = ref.client.get("/reports/providers?service_type=hospital", headers=ref.auth("admin"))
    assert bad.status_code == 422


def test_coverage_marks_districts_with_children_and_no_free_place(ref, history):
    body = ref.client.get("/reports/coverage?service_type=day_care", headers=ref.auth("admin"))
    items = {d["district_code"]: d for d in body.get_json()["items"]}
    assert items["murghob"]["waiting_for_place"] == 1 and items["murghob"]["gap"] is True
    # Khujand: a child waits for assessment and no provider with a free place serves it.
    assert items["khujand"]["waiting_for_assessment"] == 1 and items["khujand"]["gap"] is True
    assert items["khujand"]["median_days_waiting_for_assessment"] == 3.0
    assert (items["rudaki"]["providers"], items["rudaki"]["free_places"]) == (1, 2)


def test_case_managers_see_only_their_districts(ref, history):
    mine = ref.client.get("/reports/coverage", headers=case_manager(ref, ["murghob"])).get_json()
    assert [d["district_code"] for d in mine["items"]] == ["murghob"]
    other = ref.client.get("/reports/providers?district=rudaki",
                           headers=case_manager(ref, ["murghob"]))  # fmt: skip
    assert other.status_code == 403
    assert ref.client.get("/reports/providers", headers=ref.auth("provider",
                          provider_id=history["id"])).status_code == 403  # fmt: skip


def test_children_waiting_for_assessment_where_no_provider_serves_are_a_gap(ref):
    register_child(ref, district="murghob")
    rows = ref.client.get("/reports/coverage", headers=ref.auth("admin")).get_json()["items"]
    murghob = next(row for row in rows if row["district_code"] == "murghob")
    assert (murghob["waiting_for_assessment"], murghob["providers"], murghob["gap"]) == (1, 0, True)
