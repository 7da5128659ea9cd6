"""Driving the notifications service in tests: handle events, run the sender, read the results."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from services.notifications.flows.sending import run_sender
from services.notifications.handlers import HANDLERS
from services.notifications.models import Notification
from shared.events import Event
from shared.handling import handle_once
from shared.testing.harness import ServiceHarness


def handle(service: ServiceHarness, *events: Event) -> None:
    """Handle events the way the consumer does (once per event id)."""
    for event in events:
        handle_once(service.runtime, HANDLERS, event)


def drain(service: ServiceHarness, rounds: int = 50) -> int:
    """Run the sender until it has nothing due; return the work done."""
    done = 0
    for _ in range(rounds):
        worked = run_sender(service.runtime)
        if not worked:
            return done
        done += worked
    raise AssertionError("the sender never ran out of work")


def rows(service: ServiceHarness, **filters: Any) -> list[Notification]:
    """Notifications in the database, oldest first."""
    query = select(Notification).order_by(Notification.created_at, Notification.id)
    for column, value in filters.items():
        query = query.where(getattr(Notification, column) == value)
    with service.runtime.db.session() as session:
        return list(session.scalars(query))


def only(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]


def emitted(service: ServiceHarness, event_type: str) -> list[dict[str, Any]]:
    """Events this service wrote to its outbox, oldest first."""
    outbox = service.runtime.tables.outbox
    query = select(outbox.c.body).where(outbox.c.event_type == event_type)
    with service.runtime.db.session() as session:
        bodies = session.execute(query.order_by(outbox.c.created_at, outbox.c.id)).scalars()
        return [json.loads(body) for body in bodies]
