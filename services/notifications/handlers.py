"""Event type → handler: keep the family's contact, create the SMS each event calls for."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.notifications import queries
from services.notifications.domain import planning
from services.notifications.flows.corrections import child_corrected, child_merged
from services.notifications.flows.sending import TIMERS as SENDING_TIMERS
from services.notifications.models import ORDERING, Contact, InboundMessage, Notification
from services.notifications.settings import sms_setup
from shared.db import get_unflushed
from shared.erasure import dead_letter_erasure
from shared.events import Event, parse_time
from shared.handling import Handler
from shared.outbox import erase_child_events
from shared.phones import mask_phone
from shared.runtime import UnitOfWork
from shared.subscriptions import SUBSCRIPTIONS

log = logging.getLogger(__name__)
WELCOME = "child_registered"

__all__ = ["HANDLERS", "TIMERS"]

# Once a referral is answered or closed, its provider reminders have nothing left to ask.
_CLOSES_REFERRAL = {
    "referral.accepted",
    "referral.declined",
    "referral.expired",
    "referral.completed",
    "referral.cancelled",
}


def _domain_contact(row: Contact | None) -> planning.Contact | None:
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


def _notify(uow: UnitOfWork, event: Event, contact: Contact | None) -> None:
    """Create every SMS the event calls for, in the handler's transaction."""
    setup = sms_setup(uow.runtime)
    drafts = planning.plan(event.type, event.payload, _domain_contact(contact), setup.plan)
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


def _apply_guardian(row: Contact, guardian: dict[str, Any]) -> None:
    for field in ("phone", "language", "sms_consent", "sms_capable"):
        if field in guardian and guardian[field] is not None:
            setattr(row, field, guardian[field])


def child_registered(uow: UnitOfWork, event: Event) -> None:
    """Remember how to reach the family, then tell them the child is registered."""
    p = event.payload
    ORDERING.lock(uow.session, p["child_id"])
    row = get_unflushed(uow.session, Contact, p["child_id"])
    if row is not None and row.erased_at is not None:
        return  # consent was withdrawn: never bring the data back
    row = row or Contact(child_id=p["child_id"], sms_consent=False, sms_capable=True)
    fresh = ORDERING.newer_parts(uow.session, row.child_id, p, event)
    child = fresh.get("child") or {}
    row.given_name = child.get("given_name", row.given_name)
    row.district_code = child.get("district_code", row.district_code)
    _apply_guardian(row, fresh.get("guardian") or {})
    row.registered_at = parse_time(p["registered_at"]) if p.get("registered_at") else uow.now
    screening = fresh.get("screening") or {}
    if "urgent" in screening:
        row.urgent = bool(screening["urgent"])
    row.updated_at = uow.now
    uow.session.add(row)
    _notify(uow, event, row)
    for parked in ORDERING.take_parked(uow.session, row.child_id):
        (child_corrected if parked.type == "child.corrected" else child_updated)(uow, parked)


def child_updated(uow: UnitOfWork, event: Event) -> None:
    """Follow changes of the family's phone, language, consent or the child's district."""
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    row = get_unflushed(uow.session, Contact, child_id)
    if row is None:
        ORDERING.park(uow.session, event, child_id)
        return
    if row.erased_at is not None:
        return
    changes = ORDERING.newer_parts(uow.session, child_id, event.payload.get("changes") or {}, event)
    child, guardian = changes.get("child") or {}, changes.get("guardian") or {}
    old_phone = row.phone
    row.given_name = child.get("given_name") or row.given_name
    if child.get("district_code"):
        row.district_code = child["district_code"]
        uow.session.execute(
            update(Notification)
            .where(Notification.child_id == row.child_id)
            .values(district_code=row.district_code)
        )
    _apply_guardian(row, guardian)
    row.updated_at = uow.now
    if row.phone != old_phone or not row.sms_consent:
        _follow_contact(uow, row)
    _send_missed_welcome(uow, event, row)


def _send_missed_welcome(uow: UnitOfWork, event: Event, row: Contact) -> None:
    """Welcome a family that got no SMS at registration (a landline, say) once it can get one."""
    if row.registered_at is None or not _domain_contact(row).reachable:
        return
    welcomed = select(Notification.id).where(
        Notification.child_id == row.child_id, Notification.template == WELCOME
    )
    if uow.session.execute(welcomed.limit(1)).first() is not None:
        return
    late = {
        "registered_at": _promise_base(uow, row).isoformat(),
        "screening": {"urgent": row.urgent},
    }
    _notify(uow, replace(event, type="child.registered", payload={**event.payload, **late}), row)


def _follow_contact(uow: UnitOfWork, row: Contact) -> None:
    """Send waiting family SMS to the new number, or cancel them when SMS is no longer wanted."""
    waiting = queries.open_notifications(uow, child_id=row.child_id, recipient="guardian")
    if not _domain_contact(row).reachable:
        queries.cancel(uow, waiting, "the family no longer receives SMS")
        return
    for n in waiting:
        n.to, n.to_masked, n.updated_at = row.phone, mask_phone(row.phone), uow.now


def _promise_base(uow: UnitOfWork, row: Contact) -> datetime:
    """Count the call-back promise from registration, or from now once that day has passed."""
    days = sms_setup(uow.runtime).plan.due_targets.days(bool(row.urgent))
    assert row.registered_at is not None
    return row.registered_at if row.registered_at + timedelta(days=days) > uow.now else uow.now


def child_consent_withdrawn(uow: UnitOfWork, event: Event) -> None:
    """Cancel the child's waiting SMS and erase phones, names and texts."""
    child_id = event.payload["child_id"]
    ORDERING.lock(uow.session, child_id)
    ORDERING.drop_parked(uow.session, [child_id])
    row = get_unflushed(uow.session, Contact, child_id) or Contact(
        child_id=child_id, sms_consent=False
    )
    phone = row.phone
    row.given_name = row.phone = None
    row.sms_consent = False
    row.erased_at = row.erased_at or uow.now
    row.updated_at = uow.now
    uow.session.add(row)
    queries.cancel(uow, queries.open_notifications(uow, child_id=child_id), "consent withdrawn")
    for n in uow.session.scalars(select(Notification).where(Notification.child_id == child_id)):
        queries.erase(n, uow.now)
    uow.session.execute(
        update(InboundMessage)
        .where(InboundMessage.child_id == child_id)
        .values(phone=None, phone_masked=None, text=None)
    )
    if phone:
        _erase_phone_if_unused(uow, phone)
    erase_child_events(uow.session, uow.runtime.tables.outbox, child_id, blank_unsent=_MASKED)


# Even a masked number goes from events still waiting in the outbox.
_MASKED = {
    t: {"to": ""} for t in ("notification.sent", "notification.delivered", "notification.failed")
}


def _erase_phone_if_unused(uow: UnitOfWork, phone: str) -> None:
    """Once no active child has this guardian's phone, erase its replies and confirmations."""
    uow.session.flush()
    in_use = select(Contact.child_id).where(Contact.phone == phone, Contact.erased_at.is_(None))
    if uow.session.execute(in_use.limit(1)).first() is not None:
        return
    uow.session.execute(
        update(InboundMessage)
        .where(InboundMessage.phone == phone)
        .values(phone=None, phone_masked=None, text=None)
    )
    family = select(Notification).where(
        Notification.to == phone, Notification.recipient == "guardian"
    )
    for n in uow.session.scalars(family):
        queries.erase(n, uow.now)
        if n.child_id is None:  # a confirmation's events follow the notification's own id
            erase_child_events(uow.session, uow.runtime.tables.outbox, n.id, blank_unsent=_MASKED)


def notify_family_or_provider(uow: UnitOfWork, event: Event) -> None:
    """Send the SMS this event calls for (family or provider)."""
    _notify(uow, event, get_unflushed(uow.session, Contact, event.payload["child_id"]))


def referral_changed(uow: UnitOfWork, event: Event) -> None:
    """Drop provider reminders a closed referral no longer needs, then tell the family."""
    referral_id = event.payload.get("referral_id")
    if referral_id:
        waiting = queries.open_notifications(uow, subject_id=referral_id, recipient="provider")
        queries.cancel(uow, waiting, f"the referral moved on ({event.type})")
    notify_family_or_provider(uow, event)


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


def _erased(session: Session, children: set[str]) -> set[str]:
    """Which of these children this service has erased (their dead letters go too)."""
    query = select(Contact.child_id).where(
        Contact.child_id.in_(children), Contact.erased_at.is_not(None)
    )
    return set(session.scalars(query))


TIMERS = [*SENDING_TIMERS, dead_letter_erasure(_erased)]

# Handle exactly the platform's subscription row (the contract lists assessment.completed for this
# service; it is handled as soon as the row routes it here).
HANDLERS: dict[str, Handler] = {
    event_type: handler
    for event_type, handler in _ALL.items()
    if event_type in SUBSCRIPTIONS["notifications"]
}
