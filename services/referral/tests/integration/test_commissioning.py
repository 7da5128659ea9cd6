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


def place(ref, provider_id: str, start: bool) -> None:
    child = register_child(ref)
    assess(ref, child)
    referral = refer(ref, child, provider_id).get_json()
    staff = provider_user(ref, provider_id)
    act(ref, referral["id"], "accept", {"start_date": "2026-11-25"}, staff)
    if start:
        assert act(ref, referral["id"], "start", {}, staff).status_code == 200


def known_data_set(ref) -> dict:
    """Two funded day-care places, both used (one started), one child waiting in Rudaki, two
    children in Khujand assessed for home-based care that nobody there offers."""
    centre = add_provider(ref, name="Contracted centre", places=0)
    contract(ref, centre["id"], 2, price_per_place_month="1200.00")
    place(ref, centre["id"], start=True)
    place(ref, centre["id"], start=False)
    waiting = register_child(ref)
    assess(ref, waiting)
    body = {"child_id": waiting, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code == 201
    for _ in range(2):
        assess(ref, register_child(ref, district="khujand"), kinds=("home_based",))
    return centre


def test_funded_places_against_use_cost_and_unmet_demand(ref):
    centre = known_data_set(ref)

    body = ref.client.get("/reports/commissioning", headers=admin(ref)).get_json()

    assert body["funded"] == [{
        "provider_id": centre["id"], "provider_name": "Contracted centre",
        "service_type": "day_care", "funded_places": 2, "places_used": 2, "children_served": 1,
        "use_rate": 1.0, "monthly_cost": "2400.00", "cost_per_child_month": "2400.00",
    }]  # fmt: skip
    assert body["totals"]["monthly_cost"] == "2400.00"
    assert [(g["district_code"], g["service_type"], g["waiting"], g["no_eligible_provider"])
            for g in body["unmet_demand"]] == [
        ("khujand", "home_based", 0, 2), ("rudaki", "day_care", 1, 0),
    ]  # fmt: skip
    best = body["where_to_contract"][0]
    assert (best["region_code"], best["service_type"], best["children_reached"]) == (
        "TJ-SU", "home_based", 2,
    )  # fmt: skip
    assert best["locate_in"] == "khujand"


def test_exports_are_csv_with_a_bom_and_xlsx(ref):
    known_data_set(ref)

    csv = ref.client.get("/reports/commissioning?format=csv", headers=admin(ref))
    xlsx = ref.client.get("/reports/commissioning?format=xlsx", headers=admin(ref))

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


def test_only_the_ministry_reads_the_commissioning_figures(ref):
    response = ref.client.get("/reports/commissioning", headers=case_manager(ref))
    assert response.status_code == 403
