"""Creating notifications and moving their status, with history and status events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.notifications.domain import status as st
from services.notifications.domain.planning import CONFIRMATIONS, Draft
from services.notifications.domain.sms import analyse
from services.notifications.models import Notification, OptOut, StatusChange
from services.notifications.settings import SmsSetup
from shared.db import defer_write, deferred, find_unflushed, get_unflushed
from shared.phones import mask_phone
from shared.runtime import UnitOfWork

OPEN = (st.PENDING, st.HELD)
SENDER = "sms-sender"  # the timer that sends: woken when a new SMS is due
_EVENT_OF = {st.SENT: "notification.sent", st.DELIVERED: "notification.delivered"}
_EVENT_OF[st.FAILED] = "notification.failed"


def is_opted_out(uow: UnitOfWork, phone: str | None) -> bool:
    """Tell whether a phone answered STOP (and not START since)."""
    if not phone:
        return False
    # Opt-outs come from the gateway's inbound messages, never from this transaction: nothing
    # pending needs flushing before the look-up (a consumer's batch may have read it ahead).
    row = get_unflushed(uow.session, OptOut, phone)
    return bool(row and row.opted_out)


def opted_out_among(uow: UnitOfWork, phones: set[str]) -> set[str]:
    """The phones among these that answered STOP (and not START since), in one query."""
    if not phones:
        return set()
    with uow.session.no_autoflush:
        query = select(OptOut.phone).where(OptOut.phone.in_(sorted(phones)), OptOut.opted_out)
        return set(uow.session.scalars(query))


def create_notification(
    uow: UnitOfWork,
    setup: SmsSetup,
    draft: Draft,
    *,
    event_id: str | None,
    event_type: str,
    child_id: str | None,
    district_code: str | None,
) -> Notification:
    """Render a draft and store it as a pending notification (cancelled if the phone opted out)."""
    language, text = setup.catalogue.render_with_language(
        draft.template, draft.language, draft.values
    )
    n = _new_row(uow, draft, language, text)
    n.event_id, n.event_type = event_id, event_type
    n.child_id, n.district_code = child_id, district_code
    uow.session.add(n)
    uow.wake_after_commit(SENDER)
    _history(uow, n, st.PENDING, None)
    if draft.template not in CONFIRMATIONS and is_opted_out(uow, draft.to):
        move(uow, n, st.CANCELLED, "the phone opted out of SMS")
    return n


def _new_row(uow: UnitOfWork, draft: Draft, language: str, text: str) -> Notification:
    """Build a pending notification with the cost of its text."""
    info = analyse(text)
    return Notification(
        id=str(uuid.uuid4()),
        template=draft.template,
        subject_id=draft.subject_id,
        recipient=draft.recipient,
        to=draft.to,
        to_masked=mask_phone(draft.to),
        language=language,
        text=text,
        encoding=info.encoding,
        characters=info.characters,
        segments=info.segments,
        status=st.PENDING,
        attempts=0,
        status_queries=0,
        step="send",
        due_at=uow.now,
        created_at=uow.now,
        updated_at=uow.now,
    )


class _History:
    """A transaction's status changes, written together before it commits (shared.db
    defer_write): one short INSERT run for every row, where the ORM would send one statement
    with every row's values and ask each row's id back, too long for the driver to keep
    parsed (the SMS sender records a whole batch's outcomes in one transaction)."""

    KEY = "notification status changes"

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def __call__(self, session: Session) -> None:
        if self.rows:
            session.flush()  # the notifications they belong to are written first
            session.connection().execute(insert(StatusChange.__table__), self.rows)


def _history(uow: UnitOfWork, n: Notification, status: str, reason: str | None) -> None:
    row = {"notification_id": n.id, "status": status, "reason": _short(reason), "at": uow.now}
    history = deferred(uow.session, _History.KEY)
    if history is None:
        history = _History()
        if not defer_write(uow.session, _History.KEY, history):
            uow.session.add(StatusChange(**row))  # inside a savepoint: at once
            return
    history.rows.append(row)


def _short(text: str | None) -> str | None:
    return text[:300] if text else text


def move(uow: UnitOfWork, n: Notification, new: str, reason: str | None = None) -> bool:
    """Move a notification forward (False when the move is not allowed), with its event."""
    if n.status == new or not st.can_move(n.status, new):
        return False
    if n.status == st.PENDING and new == st.DELIVERED:
        # A receipt overtook our own record of the send: keep the story complete.
        move(uow, n, st.SENT, "reported by the gateway")
    n.status = new
    n.updated_at = uow.now
    if new == st.SENT:
        n.sent_at = n.sent_at or uow.now
    if new == st.DELIVERED:
        n.delivered_at = uow.now
    n.reason = _short(reason)
    if st.is_terminal(new) or new == st.SENT:
        n.claimed_until = None
        n.due_at = None
    _history(uow, n, new, reason)
    _emit_status(uow, n, new)
    return True


def _emit_status(uow: UnitOfWork, n: Notification, status: str) -> None:
    """Report sent / delivered / failed with the phone masked."""
    event_type = _EVENT_OF.get(status)
    if event_type is None:
        return
    payload = {
        "notification_id": n.id,
        "event_id": n.event_id,
        "child_id": n.child_id,
        "to": n.to_masked or "erased",
        "status": status,
        "recipient": n.recipient,
        "reason": _short(n.reason) if status == st.FAILED else None,
    }
    uow.emit(event_type, payload, correlation_id=n.child_id or n.id)


def open_notifications(uow: UnitOfWork, **filters: str) -> list[Notification]:
    """Return pending or held notifications matching column filters, also those this
    transaction added or changed and has not written yet (a batch writes its rows together at
    commit, not before every look-up)."""
    return find_unflushed(uow.session, Notification, status=OPEN, **filters)


def cancel(uow: UnitOfWork, notifications: list[Notification], reason: str) -> int:
    """Cancel notifications that have not gone out yet."""
    return sum(move(uow, n, st.CANCELLED, reason) for n in notifications)


def erase(n: Notification, now: datetime) -> None:
    """Remove the phone and the text of a notification; keep its status and counts."""
    n.to = None
    n.to_masked = None
    n.text = None
    n.erased_at = now
    n.updated_at = now
