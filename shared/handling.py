"""Handling one event exactly once: handler writes, its events and the inbox row in one commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.events import Event
from shared.inbox import already_handled, handled_among, record_all_handled, record_handled
from shared.runtime import Runtime, UnitOfWork

Handler = Callable[[UnitOfWork, Event], None]
ReadAhead = Callable[[Session, Sequence[Event]], None]


class Handlers(dict[str, Handler]):
    """A service's handlers by event type, and what a batch of their events reads ahead.

    `read_ahead(session, events)` runs once per batch, before the first handler, in the
    batch's transaction: it reads in a few statements what the handlers would otherwise ask
    for one event at a time (a child's lock, versions, the service's copy of the child).
    """

    def __init__(self, handlers: Mapping[str, Handler], read_ahead: ReadAhead | None = None):
        super().__init__(handlers)
        self.read_ahead = read_ahead


def child_ids(events: Iterable[Event], prefix: str = "") -> list[str]:
    """The children these events are about (of the types starting with `prefix`), in order:
    a merge is about both children, the one merged and the one it was merged into."""
    found = (
        child
        for e in events
        if e.type.startswith(prefix)
        for child in (e.payload.get("child_id"), e.payload.get("into"))
    )
    return list(dict.fromkeys(child for child in found if isinstance(child, str)))


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


def handle_many(
    runtime: Runtime, handlers: dict[str, Handler], events: Sequence[Event]
) -> list[bool]:
    """Handle a batch of events in one transaction; one outcome per event, False for duplicates.

    One commit for many events is what lets a consumer keep up with a backlog. It is all or
    nothing: if any handler fails, nothing of the batch is kept and the caller handles the
    events one by one (`handle_once`), so a bad event cannot take its neighbours down with it.
    """
    for event in events:
        if event.type not in handlers:
            raise NoHandler(f"no handler for {event.type}")
    table = runtime.tables.processed
    outcomes: list[bool] = []
    done: list[UnitOfWork] = []
    with runtime.db.session() as session:
        now = runtime.now()
        seen = handled_among(session, table, [event.id for event in events])
        fresh: list[Event] = []
        for event in events:
            outcomes.append(event.id not in seen)
            if event.id not in seen:
                seen.add(event.id)
                fresh.append(event)
        if fresh:
            # Inserted first, as in handle_once: a concurrent duplicate blocks here and fails.
            record_all_handled(session, table, fresh, now)
            read_ahead = getattr(handlers, "read_ahead", None)
            if read_ahead is not None:
                read_ahead(session, fresh)
        for event in fresh:
            uow = UnitOfWork(session=session, runtime=runtime, cause=event, now=now)
            handlers[event.type](uow, event)
            done.append(uow)
    for uow in done:
        runtime.committed(uow)
    return outcomes
