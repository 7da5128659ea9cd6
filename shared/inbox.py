"""Idempotent consumers: the ids of handled events, committed with the handler's writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from shared.events import Event


def processed_events_table(metadata: MetaData) -> Table:
    """The table of event ids a service has handled."""
    return Table(
        "processed_events",
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("correlation_id", String(100), nullable=True, index=True),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )


def already_handled(session: Session, table: Table, event_id: str) -> bool:
    """True when this event id was handled before."""
    return bool(handled_among(session, table, [event_id]))


def handled_among(session: Session, table: Table, event_ids: Iterable[str]) -> set[str]:
    """Return which of these event ids were handled before (one query for a batch)."""
    query = select(table.c.event_id).where(table.c.event_id.in_(list(event_ids)))
    return set(session.scalars(query))


def record_handled(session: Session, table: Table, event: Event, now: datetime) -> None:
    """Record the event as handled, in the caller's transaction."""
    record_all_handled(session, table, [event], now)


def record_all_handled(
    session: Session, table: Table, events: Sequence[Event], now: datetime
) -> None:
    """Record a batch of events as handled, in one statement of the caller's transaction."""
    rows = [
        {
            "event_id": e.id,
            "event_type": e.type,
            "correlation_id": e.correlation_id,
            "handled_at": now,
        }
        for e in events
    ]
    session.execute(insert(table), rows)
