"""Over the real broker: an inspection and a contract in quality change referral's directory."""

import pytest

from services.referral import app as referral_app
from services.referral import bootstrap as referral_boot
from services.referral import handlers as referral_handlers
from shared.testing import FakeClock, wait_for

pytestmark = pytest.mark.integration

PROVIDER = {
    "name": "Day-care centre, Rudaki", "service_types": ["day_care"],
    "districts_served": ["rudaki"], "district_code": "rudaki", "places": 3,
    "min_age": 2, "max_age": 17,
}  # fmt: skip
STANDARD = {
    "service_type": "day_care", "title": "Day care", "effective_from": "2026-01-01",
    "criteria": [{"code": "DC1", "text": "Individual plans"}, {"code": "DC2", "text": "Staff"}],
}  # fmt: skip


def test_inspections_and_contracts_reach_referral_through_the_broker(service_harness):
    clock = FakeClock()
    quality = service_harness(
        "quality",
        clock=clock,
    )
    referral = service_harness("referral", referral_boot.runtime_from, referral_app.create_app,
                               referral_handlers.HANDLERS, [], clock=clock)  # fmt: skip
    quality.start_worker()
    referral.start_worker()
    admin_r, admin_q = referral.auth("admin", sub="a"), quality.auth("admin", sub="a")
    provider = referral.client.post("/providers", json=PROVIDER, headers=admin_r).get_json()
    assert quality.client.post("/standards", json=STANDARD, headers=admin_q).status_code == 201

    inspection = {
        "provider_id": provider["id"],
        "service_type": "day_care",
        "inspected_on": "2026-11-20",
        "findings": [
            {"criterion": "DC1", "rating": "met", "evidence": "files"},
            {"criterion": "DC2", "rating": "partly_met", "evidence": "log"},
        ],
    }
    contract = {
        "reference": "MLSP-1",
        "commissioner": "ministry",
        "provider_id": provider["id"],
        "service_type": "day_care",
        "places": 12,
        "price_per_place_month": "900.00",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "districts": ["rudaki"],
    }
    inspector = quality.auth("inspector", sub="i")  # fmt: skip
    assert (
        quality.client.post("/inspections", json=inspection, headers=inspector).status_code == 201
    )
    assert quality.client.post("/contracts", json=contract, headers=admin_q).status_code == 201

    def directory_entry():
        return referral.client.get(f"/providers/{provider['id']}", headers=admin_r).get_json()

    wait_for(
        lambda: directory_entry()["places"] == 12 and directory_entry()["compliance_score"],
        timeout=20, message="referral following quality's events",
    )  # fmt: skip
    entry = directory_entry()
    assert (entry["compliance_level"], entry["compliance_score"]) == ("partly_compliant", 75.0)
    assert entry["last_inspection_date"] == "2026-11-20" and entry["accredited"] is True
