"""Handling one event exactly once: handler writes, its events and the inbox row in one commit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from shared.events import Event
from shared.inbox import already_handled, record_handled
from shared.runtime import Runtime, UnitOfWork

Handler = Callable[[UnitOfWork, Event], None]


class NoHandler(LookupError):
    """The service has no handler for an event type it received."""


def handle_once(runtime: Runtime, handlers: dict[str, Handler], event: Event) -> bool:
    """Run the event's handler unless it was handled before; False for a duplicate."""
    table = runtime.tables.processed
    handler = handlers.get(event.type)
    if handler is None:
        raise NoHandler(f"no handler for {event.type}")
    try:
        with runtime.unit_of_work(cause=event) as uow:
            if already_handled(uow.session, table, event.id):
                return False
            # Inserted first: a concurrent duplicate blocks on this key, fails, and is skipped.
            record_handled(uow.session, table, event, uow.now)
            uow.session.flush()
            handler(uow, event)
    except IntegrityError:
        with runtime.db.session() as session:
            if already_handled(session, table, event.id):
                return False
        raise
    return True
