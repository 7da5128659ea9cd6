"""Idempotent consumers: the ids of handled events, committed with the handler's writes."""

from __future__ import annotations

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
    return (
        session.execute(select(table.c.event_id).where(table.c.event_id == event_id)).first()
        is not None
    )


def record_handled(session: Session, table: Table, event: Event, now: datetime) -> None:
    """Record the event as handled, in the caller's transaction."""
    session.execute(
        insert(table).values(
            event_id=event.id,
            event_type=event.type,
            correlation_id=event.correlation_id,
            handled_at=now,
        )
    )
