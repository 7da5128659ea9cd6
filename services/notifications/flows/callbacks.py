"""What the gateway tells us: delivery receipts and the families' replies."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from services.notifications import queries
from services.notifications.domain import planning, replies
from services.notifications.domain import status as st
from services.notifications.models import (
    Contact,
    InboundMessage,
    Notification,
    OptOut,
    ReplyChild,
)
from services.notifications.settings import SmsSetup
from shared.phones import mask_phone
from shared.runtime import UnitOfWork

OPTED_OUT = "opted_out"
OPTED_IN = "opted_in"
RECORDED = "recorded"
UNCHANGED = "unchanged"


def find_notification(
    uow: UnitOfWork, notification_id: str | None, gateway_message_id: str | None
) -> Notification | None:
    """Find the notification a receipt is about, by our id or the gateway's."""
    if notification_id:
        return uow.session.get(Notification, notification_id, with_for_update=True)
    if gateway_message_id:
        query = select(Notification).where(Notification.gateway_message_id == gateway_message_id)
        return uow.session.scalars(query.with_for_update()).first()
    return None


def apply_receipt(uow: UnitOfWork, n: Notification, receipt: st.Receipt) -> bool:
    """Move a notification forward by a receipt; repeated or late receipts change nothing."""
    target = st.receipt_move(n.status, receipt)
    if target is None:
        return False
    reason = f"gateway receipt: {receipt.reason}" if receipt.reason else None
    return queries.move(uow, n, target, reason)


@dataclass(frozen=True)
class Reply:
    """The outcome of one inbound SMS."""

    id: str
    action: str
    child_id: str | None


def _fingerprint(
    phone: str, text: str, received_at: datetime, gateway_message_id: str | None
) -> str:
    """The gateway's message id when it gives one, else sender, time and text."""
    if gateway_message_id:
        raw = f"gateway-id|{gateway_message_id}"
    else:
        raw = f"{phone}|{received_at.isoformat()}|{text}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _family_of(uow: UnitOfWork, phone: str) -> list[Contact]:
    query = select(Contact).where(Contact.phone == phone, Contact.erased_at.is_(None))
    return list(uow.session.scalars(query.order_by(Contact.updated_at.desc())))


def _set_opt_out(uow: UnitOfWork, phone: str, opted_out: bool) -> bool:
    """Record the phone's choice; False when it already stood."""
    row = uow.session.get(OptOut, phone)
    if row is not None and row.opted_out == opted_out:
        return False
    if row is None and not opted_out:
        return False  # START from a phone that never stopped: nothing to undo
    row = row or OptOut(phone=phone)
    row.opted_out, row.changed_at = opted_out, uow.now
    uow.session.add(row)
    uow.session.flush()  # written now: opt-out look-ups do not flush on their own
    return True


def _confirm(
    uow: UnitOfWork, setup: SmsSetup, template: str, phone: str, family: list[Contact], source: str
) -> None:
    """Queue the reply to STOP / START in the family's language."""
    language = family[0].language if family else None
    draft = replace(planning.confirmation(template, phone, language), subject_id=source)
    child = family[0] if len(family) == 1 else None
    queries.create_notification(
        uow,
        setup,
        draft,
        event_id=None,
        event_type=f"inbound_sms.{template}",
        child_id=child.child_id if child else None,
        district_code=family[0].district_code if family else None,
    )


def _act(
    uow: UnitOfWork, setup: SmsSetup, kind: str, phone: str, family: list[Contact], source: str
) -> str:
    """Opt out or in (with a confirmation SMS), or leave the text for a case manager."""
    if kind == replies.OTHER:
        return RECORDED
    stopping = kind == replies.STOP
    if not _set_opt_out(uow, phone, stopping):
        return UNCHANGED
    if stopping:
        waiting = queries.open_notifications(uow, to=phone)
        queries.cancel(uow, waiting, "the phone opted out of SMS")
    _confirm(uow, setup, OPTED_OUT if stopping else OPTED_IN, phone, family, source)
    return OPTED_OUT if stopping else OPTED_IN


def _tell_case_managers(
    uow: UnitOfWork, message_id: str, family: list[Contact], received_at: datetime
) -> None:
    """Link the reply to every child of the phone and tell each child's case manager."""
    for contact in family:
        uow.session.add(
            ReplyChild(
                message_id=message_id,
                child_id=contact.child_id,
                district_code=contact.district_code,
            )
        )
        payload = {
            "message_id": message_id,
            "child_id": contact.child_id,
            "district_code": contact.district_code,
            "received_at": received_at.isoformat(),
        }
        uow.emit("family.replied", payload, correlation_id=contact.child_id)


def record_reply(
    uow: UnitOfWork,
    setup: SmsSetup,
    phone: str,
    text: str,
    received_at: datetime,
    gateway_message_id: str | None = None,
) -> Reply:
    """Handle one inbound SMS once: a repeated callback returns the first outcome."""
    fingerprint = _fingerprint(phone, text, received_at, gateway_message_id)
    known = uow.session.scalars(
        select(InboundMessage).where(InboundMessage.fingerprint == fingerprint)
    ).first()
    if known is not None:
        return Reply(known.id, known.action, known.child_id)
    family = _family_of(uow, phone)
    message_id = str(uuid.uuid4())
    kind = replies.classify_reply(text, setup.words)
    action = _act(uow, setup, kind, phone, family, message_id)
    if action == RECORDED:
        _tell_case_managers(uow, message_id, family, received_at)
    child = family[0] if len(family) == 1 else None
    uow.session.add(
        InboundMessage(
            id=message_id,
            fingerprint=fingerprint,
            phone=phone,
            phone_masked=mask_phone(phone),
            text=text,
            action=action,
            child_id=child.child_id if child else None,
            district_code=family[0].district_code if family else None,
            received_at=received_at,
            recorded_at=uow.now,
        )
    )
    return Reply(message_id, action, child.child_id if child else None)
