"""Outbox rows that wait in their session until its transaction (or savepoint) commits.

The listeners are attached to each service's own session factory (shared/db.py), never to
every SQLAlchemy Session of the process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from shared.events import Event

_PENDING = "outbox_rows"
# PostgreSQL delivers `NOTIFY outbox` when the transaction commits (never if it rolls back); the
# relay's listener wakes on it (shared/outbox_notices.py). Each service has its own database,
# so one channel name serves them all.
NOTIFY_CHANNEL = "outbox"


def add_to_outbox(session: Session, table: Table, event: Event) -> None:
    """Store an event in the caller's transaction; it is published only if that commits.

    The row is written just before the transaction (or the savepoint it was emitted in)
    commits, with every other waiting event in one statement: a consumer's batch may emit
    hundreds. Rolled back, it is dropped with the rest of its transaction or savepoint.
    """
    row = {
        "id": event.id,
        "event_type": event.type,
        "correlation_id": event.correlation_id,
        "body": event.to_json(),
        "created_at": datetime.fromisoformat(event.occurred_at),
        "attempts": 0,
    }
    where = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((where, table, row))


def _write_pending(session: Session) -> None:
    # Also on a savepoint's release: rows written early are still inside the transaction.
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for _, table, row in pending:  # emit order is kept: it becomes the order of `seq`
        by_table.setdefault(table, []).append(row)
    connection = session.connection()
    for table, rows in by_table.items():
        # Straight to the connection: outbox rows need no ORM flush before them.
        connection.execute(insert(table), rows)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"NOTIFY {NOTIFY_CHANNEL}")


def _drop_pending(session: Session, rolled_back: SessionTransaction) -> None:
    """Forget the events of a rolled-back transaction or savepoint, and only those."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    kept = [item for item in pending if not _inside(item[0], rolled_back)]
    if kept:
        session.info[_PENDING] = kept
    else:
        session.info.pop(_PENDING, None)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def attach_outbox_writes(sessions: sessionmaker) -> None:
    """Write waiting outbox rows at commit, and drop them on rollback, in these sessions only."""
    sa_event.listen(sessions, "before_commit", _write_pending)
    sa_event.listen(sessions, "after_soft_rollback", _drop_pending)
