"""Event type → handler (walking skeleton: a registration SMS through the console gateway)."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from services.notifications.models import Notification
from shared.events import Event
from shared.handling import Handler
from shared.logging import mask_phone
from shared.runtime import Runtime, UnitOfWork
from shared.subscriptions import SUBSCRIPTIONS
from shared.worker import Timer

log = logging.getLogger(__name__)


def child_registered(uow: UnitOfWork, event: Event) -> None:
    """Record the family's registration SMS."""
    guardian = event.payload["guardian"]
    if not guardian.get("phone") or not guardian.get("sms_consent"):
        return
    name = event.payload["child"]["given_name"]
    uow.session.add(
        Notification(
            id=str(uuid.uuid4()),
            event_id=event.id,
            event_type=event.type,
            child_id=event.payload["child_id"],
            recipient="guardian",
            to=guardian["phone"],
            language=guardian["language"],
            text=f"{name} is registered for early intervention support.",
            status="pending",
            attempts=0,
            created_at=uow.now,
        )
    )


def _not_yet(uow: UnitOfWork, event: Event) -> None:
    """Acknowledge an event this skeleton does not act on yet."""


def send_pending(runtime: Runtime) -> int:
    """Send pending notifications through the console gateway."""
    with runtime.unit_of_work() as uow:
        pending = uow.session.scalars(
            select(Notification).where(Notification.status == "pending").limit(50)
        ).all()
        for n in pending:
            log.info("SMS", extra={"fields": {"to": mask_phone(n.to), "notification_id": n.id}})
            n.status, n.sent_at, n.attempts = "sent", uow.now, n.attempts + 1
        return len(pending)


HANDLERS: dict[str, Handler] = {t: _not_yet for t in SUBSCRIPTIONS["notifications"]}
HANDLERS["child.registered"] = child_registered
TIMERS: list[Timer] = [Timer("send", 0.2, send_pending)]
