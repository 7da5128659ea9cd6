"""The payloads of the events this service emits (shapes fixed by shared/event_payloads.py)."""

from __future__ import annotations

from typing import Any

from services.quality.models import Contract, Inspection


def inspected(inspection: Inspection, open_actions: int) -> dict[str, Any]:
    """provider.inspected: the score, level and accreditation referral ranks providers by."""
    return {
        "inspection_id": inspection.id,
        "provider_id": inspection.provider_id,
        "service_type": inspection.service_type,
        "inspected_on": inspection.inspected_on.isoformat(),
        "standard_version": inspection.standard_version,
        "score": inspection.score,
        "level": inspection.level,
        "accredited": inspection.accredited,
        "open_actions": open_actions,
    }


def contract_terms(contract: Contract) -> dict[str, Any]:
    """contract.signed / contract.changed: the places bought, for whom, when, at what price."""
    return {
        "contract_id": contract.id,
        "provider_id": contract.provider_id,
        "commissioner": contract.commissioner,
        "service_type": contract.service_type,
        "places": contract.places,
        "price_per_place_month": f"{contract.price_per_place_month:.2f}",
        "currency": contract.currency,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "districts": list(contract.districts),
        "status": contract.status,
        "revision": contract.revision,
    }
