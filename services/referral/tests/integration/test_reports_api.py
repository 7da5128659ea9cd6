"""The ministry summary over HTTP on a small known history, as JSON and CSV."""

import csv
import io

import pytest

from services.referral.flows.timers import expire_due

from .support import act, add_provider, assess, case_manager, provider_user, refer, register_child

pytestmark = pytest.mark.integration
NATIONAL = ("rudaki", "khujand", "murghob")


@pytest.fixture
def history(service, clock):
    """Three referrals (accepted, declined, expired) and one child waiting where nobody serves."""
    rudaki = add_provider(service, name="Rudaki centre")
    khujand = add_provider(
        service, name="Khujand centre", districts_served=["khujand"], district_code="khujand"
    )
    c1, c2 = register_child(service), register_child(service)
    c3, c4 = (
        register_child(service, district="khujand"),
        register_child(service, district="murghob"),
    )
    clock.advance(days=2)
    for child in (c1, c2):
        assess(service, child)
    clock.advance(days=1)
    assess(service, c4)
    clock.advance(days=1)
    r1 = refer(service, c1, rudaki["id"]).get_json()
    r2 = refer(service, c2, rudaki["id"]).get_json()
    refer(service, c3, khujand["id"], districts=("khujand",))
    clock.advance(hours=1)
    act(
        service,
        r2["id"],
        "decline",
        {"reason": "no_capacity"},
        provider_user(service, rudaki["id"]),
    )
    clock.advance(hours=23)
    act(
        service,
        r1["id"],
        "accept",
        {"start_date": "2026-12-10"},
        provider_user(service, rudaki["id"]),
    )
    clock.advance(days=1)
    body = {"child_id": c4, "service_type": "day_care"}
    waited = service.client.post("/waitlist", json=body, headers=case_manager(service, ["murghob"]))
    assert waited.status_code == 201
    clock.advance(days=2)
    assert expire_due(service.runtime) == 1
    return {"rudaki": rudaki, "khujand": khujand}


def summary(service, query="", districts=NATIONAL, role="case_manager"):
    headers = service.auth(role, list(districts))
    return service.client.get(f"/reports/summary{query}", headers=headers)


def test_national_figures(service, history):
    body = summary(service, role="admin").get_json()
    by_status = body["referrals"]["by_status"]
    assert (body["referrals"]["total"], by_status["accepted"]) == (3, 1)
    assert (by_status["declined"], by_status["expired"]) == (1, 1)
    providers = {p["name"]: p for p in body["providers"]}
    rudaki = providers["Rudaki centre"]
    assert (rudaki["acceptance_rate"], rudaki["decline_rate"]) == (0.5, 0.5)
    assert rudaki["decline_reasons"] == {"no_capacity": 1}
    assert providers["Khujand centre"]["acceptance_rate"] == 0.0
    assert body["answered_within_deadline"] == {"due": 3, "in_time": 2, "share": 0.667}
    assert body["median_days"]["registration_to_assessment"] == 2.0
    assert body["median_days"]["referral_to_acceptance"] == 1.0
    assert body["median_days"]["registration_to_acceptance"] == 5.0
    assert body["waiting_list"] == [
        {"region_code": "TJ-GB", "district_code": "murghob", "children": 1, "median_wait_days": 2.0}
    ]
    assert body["coverage_gaps"] == [
        {
            "region_code": "TJ-GB",
            "district_code": "murghob",
            "service_type": "day_care",
            "children_waiting": 1,
        }
    ]


def test_region_and_district_scopes(service, history):
    sughd = summary(service, "?region=TJ-SU", role="admin").get_json()
    assert sughd["referrals"]["total"] == 1
    assert [p["name"] for p in sughd["providers"]] == ["Khujand centre"]
    rudaki = summary(service, "?district=rudaki", role="admin").get_json()
    assert rudaki["referrals"]["total"] == 2


def test_period_counts_referrals_sent_in_it(service, history):
    # Referrals went out on 29 November (local time); nothing on 1 December.
    assert summary(service, "?from=2026-11-29&to=2026-11-29").get_json()["referrals"]["total"] == 3
    assert summary(service, "?from=2026-12-01&to=2026-12-02").get_json()["referrals"]["total"] == 0
    backwards = summary(service, "?from=2026-12-02&to=2026-12-01")
    assert backwards.status_code == 422


def test_case_manager_sees_only_own_districts(service, history):
    own = summary(service, districts=("rudaki",)).get_json()
    assert own["referrals"]["total"] == 2
    assert own["waiting_list"] == []
    assert summary(service, "?district=khujand", districts=("rudaki",)).status_code == 403


def test_providers_and_field_workers_get_no_report(service):
    staff = provider_user(service, "p")
    assert service.client.get("/reports/summary", headers=staff).status_code == 403
    phw = service.client.get("/reports/summary", headers=service.auth("phw", ["rudaki"]))
    assert phw.status_code == 403


def test_csv_has_the_same_figures(service, history):
    response = summary(service, "?format=csv", role="admin")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    figures = {row["district_code"]: row for row in rows}
    assert (figures["rudaki"]["referred"], figures["rudaki"]["declined"]) == ("2", "1")
    assert figures["murghob"]["waiting_list"] == "1"
    by_header = service.client.get(
        "/reports/summary", headers={**service.auth("admin"), "Accept": "text/csv"}
    )
    assert by_header.mimetype == "text/csv"
