"""The payloads of the events this service emits (shapes fixed by shared/event_payloads.py)."""

from __future__ import annotations

from typing import Any

from services.referral.models import Provider, Referral, WaitlistEntry
from shared.vocabulary import LANGUAGES

# Event payloads name a language the SMS templates exist in.
# A provider is contacted in the first of its languages the platform writes SMS in.
CONTACT_LANGUAGES = LANGUAGES


def contact(provider: Provider) -> dict[str, Any]:
    """The provider's contact as families and SMS templates need it."""
    language = next((lang for lang in provider.languages or () if lang in CONTACT_LANGUAGES), None)
    return {
        "name": provider.name,
        "name_tg": provider.name_tg,
        "name_ru": provider.name_ru,
        "phone": provider.phone,
        "address": provider.address,
        "language": language,
    }


def _base(referral: Referral) -> dict[str, Any]:
    return {
        "referral_id": referral.id,
        "child_id": referral.child_id,
        "provider_id": referral.provider_id,
        "service_type": referral.service_type,
    }


def sent(referral: Referral, provider: Provider) -> dict[str, Any]:
    """referral.sent: the provider has a referral to answer by respond_by."""
    return {
        **_base(referral),
        "respond_by": referral.respond_by.isoformat(),
        "provider": contact(provider),
        "priority": referral.priority,
        "automatic": referral.automatic,
    }


def reminder(referral: Referral, provider: Provider) -> dict[str, Any]:
    """referral.reminder: the deadline is near and the provider has not answered."""
    return {
        **_base(referral),
        "respond_by": referral.respond_by.isoformat(),
        "provider": contact(provider),
    }


def accepted(referral: Referral, provider: Provider) -> dict[str, Any]:
    """referral.accepted: where and when the child starts."""
    assert referral.start_date is not None
    return {
        **_base(referral),
        "provider": contact(provider),
        "start_date": referral.start_date.isoformat(),
    }


def declined(referral: Referral) -> dict[str, Any]:
    """referral.declined: the coded reason only (notes stay in this service)."""
    return {**_base(referral), "reason": referral.decline_reason}


def expired(referral: Referral) -> dict[str, Any]:
    """referral.expired: nobody answered in time."""
    return {**_base(referral), "respond_by": referral.respond_by.isoformat()}


def started(referral: Referral) -> dict[str, Any]:
    """referral.started: the child began attending or receiving visits."""
    started_at = referral.started_at.isoformat() if referral.started_at else None
    return {**_base(referral), "started_at": started_at}


def completed(referral: Referral) -> dict[str, Any]:
    """referral.completed: the service ended with an outcome."""
    return {**_base(referral), "outcome": referral.outcome}


def cancelled(referral: Referral) -> dict[str, Any]:
    """referral.cancelled: the case manager (or a consent withdrawal) ended the referral."""
    return {**_base(referral), "reason": referral.cancel_reason}


def waitlisted(entry: WaitlistEntry, position: int) -> dict[str, Any]:
    """referral.waitlisted: the child's place in the queue, which the family is told."""
    return {
        "child_id": entry.child_id,
        "service_type": entry.service_type,
        "position": position,
        "region_code": entry.region_code,
        "waitlist_entry_id": entry.id,
    }
