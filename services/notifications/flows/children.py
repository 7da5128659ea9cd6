"""The family's contact kept from intake's events, and erased when consent is withdrawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.notifications import queries
from services.notifications.flows.corrections import child_corrected
from services.notifications.flows.notify import domain_contact, notify
from services.notifications.models import ORDERING, Contact, InboundMessage, Notification
from services.notifications.settings import sms_setup
from shared.db import get_unflushed
from shared.events import Event, parse_time
from shared.outbox import erase_child_events
from shared.phones import mask_phone
from shared.runtime import UnitOfWork

WELCOME = "child_registered"


def _apply_guardian(row: Contact, guardian: dict[str, Any]) -> None:
    for field in ("phone", "language", "sms_consent", "sms_capable"):
        if field in guardian and guardian[field] is not None:
            setattr(row, field, guardian[field])


def registered(uow: UnitOfWork, event: Event) -> None:
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
    notify(uow, event, row)
    for parked in ORDERING.take_parked(uow.session, row.child_id):
        (child_corrected if parked.type == "child.corrected" else updated)(uow, parked)


def updated(uow: UnitOfWork, event: Event) -> None:
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
    if row.registered_at is None or not domain_contact(row).reachable:
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
    notify(uow, replace(event, type="child.registered", payload={**event.payload, **late}), row)


def _follow_contact(uow: UnitOfWork, row: Contact) -> None:
    """Send waiting family SMS to the new number, or cancel them when SMS is no longer wanted."""
    waiting = queries.open_notifications(uow, child_id=row.child_id, recipient="guardian")
    if not domain_contact(row).reachable:
        queries.cancel(uow, waiting, "the family no longer receives SMS")
        return
    for n in waiting:
        n.to, n.to_masked, n.updated_at = row.phone, mask_phone(row.phone), uow.now


def _promise_base(uow: UnitOfWork, row: Contact) -> datetime:
    """Count the call-back promise from registration, or from now once that day has passed."""
    days = sms_setup(uow.runtime).plan.due_targets.days(bool(row.urgent))
    assert row.registered_at is not None
    return row.registered_at if row.registered_at + timedelta(days=days) > uow.now else uow.now


def consent_withdrawn(uow: UnitOfWork, child_id: str) -> None:
    """Cancel the child's waiting SMS and erase phones, names and texts."""
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


def erased_among(session: Session, children: set[str]) -> set[str]:
    """Which of these children this service has erased (their dead letters go too)."""
    query = select(Contact.child_id).where(
        Contact.child_id.in_(children), Contact.erased_at.is_not(None)
    )
    return set(session.scalars(query))
