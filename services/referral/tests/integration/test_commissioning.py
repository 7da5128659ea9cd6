"""The commissioning figures on a known data set, and their CSV and XLSX exports."""

import io

from openpyxl import load_workbook

from .support import (
    act,
    add_provider,
    admin,
    assess,
    case_manager,
    provider_user,
    refer,
    register_child,
)
from .test_quality_events import contract


def place(service, provider_id: str, start: bool) -> None:
    child = register_child(service)
    assess(service, child)
    referral = refer(service, child, provider_id).get_json()
    staff = provider_user(service, provider_id)
    act(service, referral["id"], "accept", {"start_date": "2026-11-25"}, staff)
    if start:
        assert act(service, referral["id"], "start", {}, staff).status_code == 200


def known_data_set(service) -> dict:
    """Two funded day-care places, both used (one started), one child waiting in Rudaki, two
    children in Khujand assessed for home-based care that nobody there offers."""
    centre = add_provider(service, name="Contracted centre", places=0)
    contract(service, centre["id"], 2, price_per_place_month="1200.00")
    place(service, centre["id"], start=True)
    place(service, centre["id"], start=False)
    waiting = register_child(service)
    assess(service, waiting)
    body = {"child_id": waiting, "service_type": "day_care"}
    assert (
        service.client.post("/waitlist", json=body, headers=case_manager(service)).status_code
        == 201
    )
    for _ in range(2):
        assess(service, register_child(service, district="khujand"), kinds=("home_based",))
    return centre


def test_funded_places_against_use_cost_and_unmet_demand(service):
    centre = known_data_set(service)

    body = service.client.get("/reports/commissioning", headers=admin(service)).get_json()

    assert body["funded"] == [
        {
            "provider_id": centre["id"],
            "provider_name": "Contracted centre",
            "service_type": "day_care",
            "funded_places": 2,
            "places_used": 2,
            "children_served": 1,
            "use_rate": 1.0,
            "monthly_cost": "2400.00",
            "cost_per_child_month": "2400.00",
        }
    ]
    assert body["totals"]["monthly_cost"] == "2400.00"
    assert [
        (g["district_code"], g["service_type"], g["waiting"], g["no_eligible_provider"])
        for g in body["unmet_demand"]
    ] == [
        ("khujand", "home_based", 0, 2),
        ("rudaki", "day_care", 1, 0),
    ]
    best = body["where_to_contract"][0]
    assert (best["region_code"], best["service_type"], best["children_reached"]) == (
        "TJ-SU",
        "home_based",
        2,
    )
    assert best["locate_in"] == "khujand"


def test_exports_are_csv_with_a_bom_and_xlsx(service):
    known_data_set(service)

    csv = service.client.get("/reports/commissioning?format=csv", headers=admin(service))
    xlsx = service.client.get("/reports/commissioning?format=xlsx", headers=admin(service))

    assert csv.data.startswith("\ufeff".encode())
    assert "Contracted centre,day_care,2,2,1,1.0,2400.0,2400.0" in csv.data.decode("utf-8-sig")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["funded_places", "unmet_demand", "where_to_contract"]
    funded = [row for row in book["funded_places"].iter_rows(values_only=True)]
    assert ("Contracted centre", "day_care", 2, 2, 1, 1.0, 2400.0, 2400.0) in [
        r[1:] for r in funded
    ]
    where = [row for row in book["where_to_contract"].iter_rows(values_only=True)]
    assert "khujand" in [r[3] for r in where]


def test_only_the_ministry_reads_the_commissioning_figures(service):
    response = service.client.get("/reports/commissioning", headers=case_manager(service))
    assert response.status_code == 403
