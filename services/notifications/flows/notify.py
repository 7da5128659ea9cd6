"""Planning the SMS an event calls for, for the family or the provider."""

from __future__ import annotations

import logging

from services.notifications import queries
from services.notifications.domain import planning
from services.notifications.models import Contact
from services.notifications.settings import sms_setup
from shared.db import get_unflushed
from shared.events import Event
from shared.runtime import UnitOfWork

log = logging.getLogger(__name__)

# Once a referral is answered or closed, its provider reminders have nothing left to ask.
_CLOSES_REFERRAL = {
    "referral.accepted",
    "referral.declined",
    "referral.expired",
    "referral.completed",
    "referral.cancelled",
}


def domain_contact(row: Contact | None) -> planning.Contact | None:
    """The family's contact as the planning rules see it."""
    if row is None:
        return None
    return planning.Contact(
        child_id=row.child_id,
        given_name=row.given_name,
        phone=row.phone,
        language=row.language,
        sms_consent=row.sms_consent,
        sms_capable=row.sms_capable,
        district_code=row.district_code,
        erased=row.erased_at is not None,
    )


def notify(uow: UnitOfWork, event: Event, contact: Contact | None) -> None:
    """Create every SMS the event calls for, in the handler's transaction."""
    setup = sms_setup(uow.runtime)
    drafts = planning.plan(event.type, event.payload, domain_contact(contact), setup.plan)
    for draft in drafts:
        n = queries.create_notification(
            uow,
            setup,
            draft,
            event_id=event.id,
            event_type=event.type,
            child_id=event.payload.get("child_id"),
            district_code=contact.district_code if contact else None,
        )
        log.info(
            "notification created",
            extra={"fields": {"notification_id": n.id, "template": n.template, "to": n.to_masked}},
        )


def family_or_provider(uow: UnitOfWork, event: Event) -> None:
    """Send the SMS this event calls for (family or provider)."""
    notify(uow, event, get_unflushed(uow.session, Contact, event.payload["child_id"]))


def referral_changed(uow: UnitOfWork, event: Event) -> None:
    """Drop provider reminders a closed referral no longer needs, then tell the family."""
    referral_id = event.payload.get("referral_id")
    if referral_id:
        waiting = queries.open_notifications(uow, subject_id=referral_id, recipient="provider")
        queries.cancel(uow, waiting, f"the referral moved on ({event.type})")
    family_or_provider(uow, event)
