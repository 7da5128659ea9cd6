"""Events as the other services publish them, for feeding the notifications service in tests."""

from __future__ import annotations

import uuid
from typing import Any

from shared.events import Event, make_event

FAMILY_PHONE = "+992931234567"
PROVIDER_PHONE = "+992372223344"


def event(event_type: str, payload: dict[str, Any], producer: str = "referral") -> Event:
    """Build a valid event about the payload's child."""
    return make_event(event_type, payload, producer=producer, correlation_id=payload["child_id"])


def registered(
    child_id: str | None = None,
    *,
    language: str = "tg",
    phone: str | None = FAMILY_PHONE,
    consent: bool = True,
    district: str = "rudaki",
    urgent: bool = False,
) -> Event:
    """child.registered as intake publishes it."""
    child_id = child_id or str(uuid.uuid4())
    payload = {
        "child_id": child_id,
        "child": {
            "given_name": "Фарзона",
            "family_name": "Раҳимова",
            "sex": "female",
            "date_of_birth": "2023-04-12",
            "district_code": district,
        },
        "guardian": {
            "name": "Гулнора Раҳимова",
            "relationship": "mother",
            "phone": phone,
            "language": language,
            "sms_consent": consent,
        },
        "consent": {"data_sharing": True},
        "screening": {"concerns": ["walking"], "urgent": urgent},
        "registered_by": {"sub": "phw-1", "role": "phw"},
        "registered_at": "2026-11-25T05:00:00+00:00",
    }
    return event("child.registered", payload, producer="intake")


def scheduled(child_id: str, when: str = "2026-12-01T10:00:00+05:00") -> Event:
    payload = {
        "assessment_id": str(uuid.uuid4()),
        "child_id": child_id,
        "scheduled_for": when,
        "place": "хона",
    }
    return event("assessment.scheduled", payload, producer="assessment")


def provider(language: str = "ru") -> dict[str, Any]:
    return {
        "name": "Маркази рӯзонаи Нур",
        "phone": PROVIDER_PHONE,
        "address": "Рӯдакӣ, Гулистон 5",
        "language": language,
    }


def referral_sent(child_id: str, referral_id: str | None = None) -> Event:
    payload = {
        "referral_id": referral_id or str(uuid.uuid4()),
        "child_id": child_id,
        "provider_id": str(uuid.uuid4()),
        "service_type": "day_care",
        "respond_by": "2026-11-28T05:00:00+00:00",
        "provider": provider(),
    }
    return event("referral.sent", payload)


def referral_reminder(child_id: str, referral_id: str) -> Event:
    payload = {
        "referral_id": referral_id,
        "child_id": child_id,
        "respond_by": "2026-11-28T05:00:00+00:00",
        "provider": provider(),
    }
    return event("referral.reminder", payload)


def referral_accepted(child_id: str, referral_id: str | None = None) -> Event:
    payload = {
        "referral_id": referral_id or str(uuid.uuid4()),
        "child_id": child_id,
        "provider": provider(),
        "start_date": "2026-12-10",
    }
    return event("referral.accepted", payload)


def referral(event_type: str, child_id: str, **extra: Any) -> Event:
    """referral.declined / expired / completed / cancelled with their required fields."""
    required = {
        "referral.declined": {"reason": "no_capacity"},
        "referral.expired": {},
        "referral.completed": {"outcome": "goals_met"},
        "referral.cancelled": {"reason": "family_request"},
    }[event_type]
    payload = {"referral_id": str(uuid.uuid4()), "child_id": child_id, **required, **extra}
    return event(event_type, payload)


def waitlisted(child_id: str, position: int = 3) -> Event:
    payload = {"child_id": child_id, "service_type": "day_care", "position": position}
    return event("referral.waitlisted", payload)


def consent_withdrawn(child_id: str) -> Event:
    return event("child.consent_withdrawn", {"child_id": child_id}, producer="intake")


def updated(child_id: str, guardian: dict[str, Any] | None = None, **child: Any) -> Event:
    changes: dict[str, Any] = {}
    if guardian:
        changes["guardian"] = guardian
    if child:
        changes["child"] = child
    payload = {"child_id": child_id, "changes": changes}
    return event("child.updated", payload, producer="intake")
