"""Rows turned into what each reader may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.referral.domain.matching import Child, Match
from services.referral.domain.states import PLACE_TAKING_STATES, Status, actions_for
from services.referral.domain.states import fhir_status as fhir
from services.referral.models import ChildRecord, Provider, Referral
from shared.phones import sms_capable
from shared.principal import Principal

PROVIDER_FIELDS = (
    "id", "name", "name_tg", "name_ru", "organisation", "service_types", "districts_served",
    "district_code", "address", "phone", "places", "min_age", "max_age", "languages",
    "accessibility_notes", "accredited", "last_inspection_date", "compliance_score",
    "compliance_level", "active", "latitude", "longitude", "created_at", "updated_at",
)  # fmt: skip
REFERRAL_FIELDS = (
    "id", "child_id", "provider_id", "service_type", "status", "priority", "automatic",
    "sent_at", "respond_by", "answered_at", "accepted_at", "start_date", "started_at",
    "completed_at", "outcome", "decline_reason", "decline_note", "expired_at", "cancelled_at",
    "cancel_reason", "outcome_note", "cancel_note",
)  # fmt: skip
# Once a provider has said yes it needs to reach the family; before that it needs no names.
CONTACT_VISIBLE = frozenset({*PLACE_TAKING_STATES, Status.COMPLETED})


def provider_view(provider: Provider, taken: int) -> dict[str, Any]:
    """A provider with its places taken and free."""
    view = {name: getattr(provider, name) for name in PROVIDER_FIELDS}
    view.update(
        places_taken=taken,
        free_places=max(provider.places - taken, 0),
        sms_capable=sms_capable(provider.phone),
    )
    return view


def referral_view(
    referral: Referral,
    provider: Provider,
    child: ChildRecord,
    principal: Principal,
    today: date,
) -> dict[str, Any]:
    """A referral as this reader may see it: providers get only what they need to decide."""
    view = {name: getattr(referral, name) for name in REFERRAL_FIELDS}
    view.update(
        provider_name=provider.name,
        fhir_status=fhir(referral.status),
        # Only what this caller may do now; anything else would be refused.
        allowed_actions=[
            action.value
            for action in actions_for(referral.status, principal.role, referral.start_date, today)
        ],
    )
    is_provider = principal.role == "provider"
    show_contact = not is_provider or Status(referral.status) in CONTACT_VISIBLE
    age = Child(child.district_code or "", child.date_of_birth).age_on(today)
    view["child"] = {
        "given_name": child.given_name if show_contact else None,
        "family_name": child.family_name if show_contact else None,
        "age_years": age,
        "district_code": child.district_code,
        "language": child.guardian_language,
    }
    view["guardian"] = (
        {"name": child.guardian_name, "phone": child.guardian_phone} if show_contact else None
    )
    return view


def match_view(match: Match, rank: int | None, provider: Provider) -> dict[str, Any]:
    """A judged provider with its reasons."""
    return {
        "rank": rank,
        "eligible": match.eligible,
        "reasons": list(match.reasons),
        "free_places": match.free_places,
        "proximity": match.proximity.name.lower(),
        "distance_km": round(match.distance_km, 1) if match.distance_km is not None else None,
        "provider": provider_view(provider, match.provider.places_taken),
    }
