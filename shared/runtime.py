"""A service's composition root: settings, its database, its messaging tables, its clock."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import Database
from shared.events import Event, make_event
from shared.inbox import processed_events_table
from shared.outbox import outbox_table
from shared.outbox_writes import add_to_outbox


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class MessagingTables:
    """The outbox and processed-events tables inside one service's metadata."""

    outbox: Table
    processed: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the outbox and processed-events tables to a service's metadata."""
    return MessagingTables(
        outbox=outbox_table(metadata), processed=processed_events_table(metadata)
    )


@dataclass
class UnitOfWork:
    """One transaction: the state change and the events it emits commit together."""

    session: Session
    runtime: Runtime
    cause: Event | None = None
    now: datetime = field(default_factory=utcnow)
    emitted: list[Event] = field(default_factory=list)
    # Names of this process's timers to wake once the transaction has committed.
    wakes: set[str] = field(default_factory=set)

    def wake_after_commit(self, timer: str) -> None:
        """Run a timer of this process (the SMS sender, say) as soon as this commits."""
        self.wakes.add(timer)

    def emit(
        self,
        event_type: str,
        payload: dict[str, Any],
        *,
        correlation_id: str | None = None,
        version: int = 1,
    ) -> Event:
        """Add an event to the outbox (validated against its schema) in this transaction."""
        correlation = correlation_id or (self.cause.correlation_id if self.cause else None)
        if not correlation:
            raise ValueError("an event needs a correlation id (the child's id)")
        event = make_event(
            event_type,
            payload,
            producer=self.runtime.settings.service,
            correlation_id=correlation,
            causation_id=self.cause.id if self.cause else None,
            version=version,
            occurred_at=self.now,
        )
        add_to_outbox(self.session, self.runtime.tables.outbox, event)
        self.emitted.append(event)
        for listener in self.runtime.emit_listeners:
            listener(self, event)
        return event


class Runtime:
    """Everything a service's API or worker needs, wired once from configuration."""

    def __init__(
        self,
        settings: Settings,
        metadata: MetaData,
        tables: MessagingTables,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.metadata = metadata
        self.tables = tables
        self.clock = clock
        self.db = Database(settings.database_url)
        # Set when something was written to the outbox in this process (wakes the relay).
        self.outbox_wake = threading.Event()
        # Called with (uow, event) for each event emitted, in its transaction (read models).
        self.emit_listeners: list[Callable[[UnitOfWork, Event], None]] = []
        self._wakes: dict[str, threading.Event] = {}
        self._wakes_lock = threading.Lock()

    def now(self) -> datetime:
        """The current time from this runtime's clock (injectable in tests)."""
        return self.clock()

    @contextlib.contextmanager
    def unit_of_work(self, cause: Event | None = None) -> Iterator[UnitOfWork]:
        """Open a transaction; commit it and its events on success, roll both back on error."""
        with self.db.session() as session:
            uow = UnitOfWork(session=session, runtime=self, cause=cause, now=self.now())
            yield uow
        self.committed(uow)

    def committed(self, uow: UnitOfWork) -> None:
        """After a commit: wake the relay for its events and the timers it asked for."""
        if uow.emitted:
            self.outbox_wake.set()
        for name in uow.wakes:
            self.wake_event(name).set()

    def wake_event(self, timer: str) -> threading.Event:
        """The event a timer of this process waits on between rounds."""
        with self._wakes_lock:
            return self._wakes.setdefault(timer, threading.Event())

    def wake_all(self) -> None:
        """Wake every waiting timer (stopping)."""
        with self._wakes_lock:
            events = list(self._wakes.values())
        for event in events:
            event.set()

    def create_all(self) -> None:
        """Create the tables directly (tests); production uses the migrations."""
        self.metadata.create_all(self.db.engine)


def runtime_settings(service: str, config: dict[str, Any] | None = None) -> Settings:
    """A service's settings from the environment, read once, with overrides from a mapping.

    The mapping may override any environment name (DATABASE_URL, BROKER_URL, …); other keys
    are left to the caller (Flask settings such as TESTING).
    """
    import os

    from shared.config import ENV_NAMES, load_settings, require_secrets

    overrides = {k: str(v) for k, v in (config or {}).items() if k in ENV_NAMES and v is not None}
    return require_secrets(load_settings(service, {**os.environ, **overrides}))


def build_runtime(
    service: str,
    metadata: MetaData,
    tables: MessagingTables,
    config: dict[str, Any] | None = None,
) -> Runtime:
    """The runtime of a service from the environment, with overrides from a config mapping."""
    return Runtime(runtime_settings(service, config), metadata, tables)
