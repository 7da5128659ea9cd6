"""Event type → handler: keep the family's contact, create the SMS each event calls for."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from services.notifications.flows import children, corrections, notify
from services.notifications.flows.sending import TIMERS as SENDING_TIMERS
from services.notifications.models import ORDERING, Contact, OptOut
from shared.db import get_unflushed, read_rows_ahead
from shared.erasure import dead_letter_erasure
from shared.events import Event
from shared.handling import Handler, Handlers, child_ids
from shared.runtime import UnitOfWork
from shared.subscriptions import SUBSCRIPTIONS

__all__ = ["HANDLERS", "TIMERS"]


def child_registered(uow: UnitOfWork, event: Event) -> None:
    """Remember how to reach the family, then tell them the child is registered."""
    children.registered(uow, event)


def child_updated(uow: UnitOfWork, event: Event) -> None:
    """Follow changes of the family's phone, language, consent or the child's district."""
    children.updated(uow, event)


def child_consent_withdrawn(uow: UnitOfWork, event: Event) -> None:
    """Cancel the child's waiting SMS and erase phones, names and texts."""
    children.consent_withdrawn(uow, event.payload["child_id"])


def child_corrected(uow: UnitOfWork, event: Event) -> None:
    """Keep the child's corrected district, and its SMS'."""
    corrections.child_corrected(uow, event)


def child_merged(uow: UnitOfWork, event: Event) -> None:
    """File the merged child's SMS under the surviving child; never send the family one twice."""
    corrections.child_merged(uow, event)


def notify_family_or_provider(uow: UnitOfWork, event: Event) -> None:
    """Send the SMS this event calls for (family or provider)."""
    notify.family_or_provider(uow, event)


def referral_changed(uow: UnitOfWork, event: Event) -> None:
    """Drop provider reminders a closed referral no longer needs, then tell the family."""
    notify.referral_changed(uow, event)


_ALL: dict[str, Handler] = {
    "child.registered": child_registered,
    "child.updated": child_updated,
    "child.consent_withdrawn": child_consent_withdrawn,
    "child.corrected": child_corrected,
    "child.merged": child_merged,
    "assessment.scheduled": notify_family_or_provider,
    "assessment.completed": notify_family_or_provider,
    "referral.sent": notify_family_or_provider,
    "referral.reminder": notify_family_or_provider,
    "referral.accepted": referral_changed,
    "referral.declined": referral_changed,
    "referral.expired": referral_changed,
    "referral.waitlisted": notify_family_or_provider,
    "referral.completed": referral_changed,
    "referral.cancelled": referral_changed,
    "care_plan.review_scheduled": notify_family_or_provider,
    "care_plan.reviewed": notify_family_or_provider,
}

TIMERS = [*SENDING_TIMERS, dead_letter_erasure(children.erased_among)]


def read_ahead(session: Session, events: Sequence[Event]) -> None:
    """A batch's children, locked, with their versions, parked updates and contacts, and
    whether the phones the batch will text (families', providers') opted out: five statements
    for the batch, not five per child (see shared/handling.py). An opt-out that arrives
    meanwhile still stops the SMS: the sender checks again just before sending."""
    ORDERING.read_ahead(session, child_ids(events, "child."))
    children_here = child_ids(events)
    read_rows_ahead(session, Contact, children_here)
    phones = {_guardian_phone(event) for event in events}
    phones |= {_provider_phone(event) for event in events}
    for child_id in children_here:
        contact = get_unflushed(session, Contact, child_id)
        phones.add(contact.phone if contact is not None else None)
    read_rows_ahead(session, OptOut, phones)


def _guardian_phone(event: Event) -> str | None:
    """The family's phone a registration or an update of the child brings."""
    sections = event.payload.get("changes") if event.type == "child.updated" else event.payload
    guardian = (sections or {}).get("guardian") if isinstance(sections, dict) else None
    phone = guardian.get("phone") if isinstance(guardian, dict) else None
    return phone if isinstance(phone, str) else None


def _provider_phone(event: Event) -> str | None:
    """The provider's phone a referral's event brings (it is texted about the referral)."""
    provider = event.payload.get("provider")
    phone = provider.get("phone") if isinstance(provider, dict) else None
    return phone if isinstance(phone, str) else None


# Handle exactly the platform's subscription row (the contract lists assessment.completed for this
# service; it is handled as soon as the row routes it here).
HANDLERS = Handlers(
    {
        event_type: handler
        for event_type, handler in _ALL.items()
        if event_type in SUBSCRIPTIONS["notifications"]
    },
    read_ahead=read_ahead,
)
