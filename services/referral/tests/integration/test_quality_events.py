"""Referral follows the quality service: inspections rank providers, contracts set places."""

import uuid
from datetime import UTC, datetime

from services.referral.flows.quality import follow_all_contracts
from services.referral.handlers import HANDLERS
from shared.events import make_event
from shared.handling import handle_once

from .support import add_provider, admin, assess, case_manager, outbox, refer, register_child


def tell(h, event_type: str, payload: dict) -> None:
    """Hand one of the quality service's events to referral's handlers."""
    event = make_event(
        event_type,
        payload,
        producer="quality",
        correlation_id=payload["provider_id"],
        occurred_at=h.runtime.now(),
    )
    handle_once(h.runtime, HANDLERS, event)


def inspected(h, provider_id: str, on: str, score: float, level: str, accredited: bool) -> None:
    tell(
        h,
        "provider.inspected",
        {
            "inspection_id": str(uuid.uuid4()),
            "provider_id": provider_id,
            "service_type": "day_care",
            "inspected_on": on,
            "standard_version": 1,
            "score": score,
            "level": level,
            "accredited": accredited,
            "open_actions": 0,
        },
    )


def contract(h, provider_id: str, places: int, revision: int = 1, contract_id=None, **terms):
    body = {
        "contract_id": contract_id or str(uuid.uuid4()),
        "provider_id": provider_id,
        "commissioner": "ministry",
        "service_type": "day_care",
        "places": places,
        "price_per_place_month": "850.00",
        "currency": "TJS",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "districts": ["rudaki"],
        "status": "active",
        "revision": revision,
        **terms,
    }
    tell(h, "contract.signed" if revision == 1 else "contract.changed", body)
    return body["contract_id"]


def ranked(h, child_id: str) -> list[dict]:
    response = h.client.get(
        f"/children/{child_id}/matches?service_type=day_care", headers=case_manager(h)
    )
    return response.get_json()["items"]


def test_an_inspection_sets_accreditation_and_ranks_compliant_providers_first(service):
    near = add_provider(service, name="Rudaki centre")
    hisor = add_provider(service, name="Hisor centre", district_code="hisor", accredited=False)
    child = register_child(service)
    assert [m["provider"]["name"] for m in ranked(service, child)] == [
        "Rudaki centre",
        "Hisor centre",
    ]

    inspected(service, hisor["id"], "2026-11-10", 91.0, "compliant", True)
    inspected(service, near["id"], "2026-11-12", 40.0, "non_compliant", False)
    inspected(service, near["id"], "2025-05-01", 95.0, "compliant", True)  # older, arrives late

    items = ranked(service, child)
    assert [m["provider"]["name"] for m in items] == ["Hisor centre", "Rudaki centre"]
    first = items[0]
    assert first["provider"]["accredited"] is True
    assert first["provider"]["last_inspection_date"] == "2026-11-10"
    assert first["provider"]["compliance_level"] == "compliant"
    assert "meets the service standard (score 91/100, inspected 2026-11-10)" in first["reasons"]
    assert items[1]["provider"]["accredited"] is False
    assert items[1]["provider"]["compliance_score"] == 40.0

    refused = service.client.patch(
        f"/providers/{hisor['id']}", json={"accredited": False}, headers=admin(service)
    )
    assert refused.status_code == 422 and "accredited" in refused.get_json()["error"]["fields"]

    refer(service, child, hisor["id"])
    summary = service.client.get("/reports/summary", headers=admin(service)).get_json()
    (row,) = summary["providers"]
    assert (row["name"], row["compliance_level"], row["compliance_score"]) == (
        "Hisor centre",
        "compliant",
        91.0,
    )


def test_a_providers_places_follow_its_contracts_and_go_to_waiting_children(service):
    centre = add_provider(service, name="Contracted centre", places=0)
    child = register_child(service)
    assess(service, child)
    waiting = service.client.post(
        "/waitlist",
        json={"child_id": child, "service_type": "day_care"},
        headers=case_manager(service),
    )
    assert waiting.status_code in (200, 201), waiting.get_json()

    contract_id = contract(service, centre["id"], 10)
    contract(service, centre["id"], 5, start_date="2027-01-01", end_date="2027-12-31")  # not yet

    read = service.client.get(f"/providers/{centre['id']}", headers=admin(service)).get_json()
    assert read["places"] == 10
    (sent,) = outbox(service, "referral.sent")
    assert sent["payload"]["child_id"] == child and sent["correlation_id"] == child

    contract(service, centre["id"], 4, revision=2, contract_id=contract_id)
    contract(service, centre["id"], 99, revision=1, contract_id=contract_id)  # stale redelivery
    read = service.client.get(f"/providers/{centre['id']}", headers=admin(service)).get_json()
    assert read["places"] == 4
    refused = service.client.patch(
        f"/providers/{centre['id']}", json={"places": 30}, headers=admin(service)
    )
    assert refused.status_code == 422
    assert "places" in refused.get_json()["error"]["fields"]


def test_a_terminated_contract_withdraws_its_places_and_the_next_one_starts_on_its_day(
    service, clock
):
    centre = add_provider(service, name="Contracted centre", places=0)
    now_id = contract(service, centre["id"], 10)
    contract(service, centre["id"], 6, start_date="2027-01-01", end_date="2027-12-31")

    def places() -> int:
        return service.client.get(f"/providers/{centre['id']}", headers=admin(service)).get_json()[
            "places"
        ]

    assert places() == 10
    contract(service, centre["id"], 10, revision=2, contract_id=now_id, status="terminated")
    assert places() == 0

    clock.set(datetime(2027, 1, 1, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe
    assert follow_all_contracts(service.runtime) == 1
    assert places() == 6
