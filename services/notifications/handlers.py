"""Event type → handler: keep the family's contact, create the SMS each event calls for."""

from __future__ import annotations

from services.notifications.flows import children, corrections, notify
from services.notifications.flows.sending import TIMERS as SENDING_TIMERS
from shared.erasure import dead_letter_erasure
from shared.events import Event
from shared.handling import Handler
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

# Handle exactly the platform's subscription row (the contract lists assessment.completed for this
# service; it is handled as soon as the row routes it here).
HANDLERS: dict[str, Handler] = {
    event_type: handler
    for event_type, handler in _ALL.items()
    if event_type in SUBSCRIPTIONS["notifications"]
}
