"""A child's events in any order: apply a field only if newer, park updates of unknown children.

Delay queues and several workers deliver a child's events out of order (a retried
`child.registered` overtaken by `child.updated`). Each consuming service keeps, per child, the
version (`occurred_at`, then the event id to break ties) that last set each field, and applies
a field of an event only if the event is newer: last writer wins per field, whatever the
arrival order. An update of a child the service does not know yet is parked and replayed when
the registration arrives; withdrawal of consent drops what is parked.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from shared.db import defer_write
from shared.events import Event, parse_event, parse_time

# session.info key: the children this transaction has locked, with the savepoint that did.
_LOCKED = "children_locked"
# session.info key: versions and parked updates read ahead for a batch, by ChildOrdering.
_AHEAD = "ordering_read_ahead"
# The payload sections whose fields carry per-field versions.
SECTIONS = ("child", "guardian", "consent", "screening")


def ordering_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The per-child field versions and the parked updates, in a service's metadata."""
    versions = Table(
        "child_versions",
        metadata,
        Column("child_id", String(100), primary_key=True),
        Column("fields", JSON, nullable=False),
    )
    parked = Table(
        "parked_events",
        metadata,
        Column("event_id", String(64), primary_key=True),
        Column("child_id", String(100), nullable=False, index=True),
        Column("event_type", String(100), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("body", Text, nullable=False),
    )
    return versions, parked


def version_of(event: Event) -> list[str]:
    """The version an event sets: its time (UTC, comparable as text) and its id."""
    when = parse_time(event.occurred_at).astimezone(UTC)
    return [when.isoformat(timespec="microseconds"), event.id]


def _lock_key(child_id: str) -> int:
    return zlib.crc32(child_id.encode()) - 2**31


def _holds(session: Session, taken: Any) -> bool:
    """True when `taken` (the transaction or savepoint that locked) still holds its locks:
    it is the transaction in progress or one of those it is nested in, and still active."""
    where = session.get_nested_transaction() or session.get_transaction()
    while where is not None:
        if where is taken:
            return bool(where.is_active)
        where = where.parent
    return False


@dataclass
class _ReadAhead:
    """What `ChildOrdering.read_ahead` found for a batch's children, kept current by this
    transaction's own writes: versions (None: no row yet) and parked bodies, oldest first."""

    transaction: Any
    versions: dict[str, dict[str, Any] | None]
    parked: dict[str, list[str]]
    # Versions changed in this transaction and not written yet, by child: whether the row is
    # new, and the fields. Written together before the commit (or a savepoint).
    unwritten: dict[str, tuple[bool, dict[str, Any]]] = field(default_factory=dict)


class ChildOrdering:
    """Per-field versions and parked updates of children, for one service's tables."""

    def __init__(self, versions: Table, parked: Table) -> None:
        self.versions = versions
        self.parked = parked
        self._update_fields = (
            update(versions)
            .where(versions.c.child_id == bindparam("child"))
            .values(fields=bindparam("held"))
        )

    def lock(self, session: Session, child_id: str) -> None:
        """Serialise this child's handlers across workers (PostgreSQL; SQLite locks writes).

        Asked once per child in a transaction (or savepoint): a handler that locks the child
        and then reads its versions does not ask again for a lock it holds. A savepoint rolled
        back gives its locks up, so a lock is remembered with the savepoint that took it.
        """
        if session.get_bind().dialect.name != "postgresql":
            return
        held = session.info.setdefault(_LOCKED, {})
        taken = held.get(child_id)
        if taken is not None and _holds(session, taken):
            return
        with session.no_autoflush:  # the caller's new row may not be complete yet
            session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(child_id)}
            )
        held[child_id] = session.get_nested_transaction() or session.get_transaction()

    def read_ahead(self, session: Session, child_ids: Iterable[str]) -> None:
        """Before a consumer's batch: lock its children and read their versions and parked
        updates, three statements for the batch instead of three per child.

        The locks are taken in one order (by key), so two workers reading ahead overlapping
        batches wait for each other instead of deadlocking. Everything read stays true until
        the transaction ends: every writer of these rows holds the child's lock, and this
        transaction's own writes go through this class, which keeps what it read current.
        Call it at the start of a transaction, never inside a savepoint.
        """
        ids = sorted(set(child_ids))
        if not ids:
            return
        transaction = session.get_transaction()
        with session.no_autoflush:
            if session.get_bind().dialect.name == "postgresql":
                keys = sorted({_lock_key(child_id) for child_id in ids})
                session.execute(
                    text(
                        "SELECT count(pg_advisory_xact_lock(key))"
                        " FROM unnest(CAST(:keys AS bigint[])) AS k(key)"
                    ),
                    {"keys": keys},
                )
                held = session.info.setdefault(_LOCKED, {})
                held.update(dict.fromkeys(ids, transaction))
            v, p = self.versions.c, self.parked.c
            found = dict(
                session.execute(select(v.child_id, v.fields).where(v.child_id.in_(ids))).all()
            )
            parked: dict[str, list[str]] = {child_id: [] for child_id in ids}
            query = select(p.child_id, p.body).where(p.child_id.in_(ids)).order_by(p.occurred_at)
            for child_id, body in session.execute(query):
                parked[child_id].append(body)
        ahead = _ReadAhead(transaction, {child_id: found.get(child_id) for child_id in ids}, parked)
        session.info.setdefault(_AHEAD, {})[self.versions.name] = ahead

    def _read_ahead(self, session: Session) -> _ReadAhead | None:
        """What was read ahead in the transaction in progress, if anything."""
        ahead = session.info.get(_AHEAD, {}).get(self.versions.name)
        if ahead is None or ahead.transaction is not session.get_transaction():
            return None
        return ahead if ahead.transaction.is_active else None

    def _ahead(self, session: Session, child_id: str) -> _ReadAhead | None:
        """What was read ahead for this child, to read instead of asking the database."""
        ahead = self._read_ahead(session)
        if ahead is None or child_id not in ahead.versions:
            return None
        if session.get_nested_transaction() is not None:
            return None  # a savepoint may be rolled back: read and write as without it
        return ahead

    def _written(self, session: Session, child_id: str) -> _ReadAhead | None:
        """This transaction writes the child's versions or parked updates: return what was read
        ahead to keep current, or forget the child's part of it inside a savepoint (which may
        be rolled back), so the child's next reads ask the database."""
        ahead = self._read_ahead(session)
        if ahead is None or child_id not in ahead.versions:
            return None
        if session.get_nested_transaction() is not None:
            del ahead.versions[child_id], ahead.parked[child_id]
            return None
        return ahead

    def newer_parts(
        self, session: Session, child_id: str, parts: dict[str, Any], event: Event
    ) -> dict[str, Any]:
        """Keep only the fields of `parts` this event is newer for; record their new version."""
        self.lock(session, child_id)
        stored = self._stored(session, child_id)
        held = dict(stored or {})
        version = version_of(event)
        fresh: dict[str, Any] = {}
        for section in SECTIONS:
            values = parts.get(section)
            if not isinstance(values, dict):
                continue
            for name, value in values.items():
                key = f"{section}.{name}"
                if key in held and _not_newer(list(held[key]), version):
                    continue
                held[key] = version
                fresh.setdefault(section, {})[name] = value
        self._store(session, child_id, stored, held)
        return fresh

    def park(self, session: Session, event: Event, child_id: str) -> None:
        """Keep an update of a child not known here yet, until its registration arrives."""
        self.lock(session, child_id)
        ahead = self._written(session, child_id)
        if ahead is not None:
            # Rare (an update overtaking its registration): the child's next reads ask again,
            # so what the database holds of its versions must be current first.
            self._write_unwritten(session, ahead, [child_id])
            del ahead.versions[child_id], ahead.parked[child_id]
        session.execute(
            insert(self.parked).values(
                event_id=event.id,
                child_id=child_id,
                event_type=event.type,
                occurred_at=parse_time(event.occurred_at),
                body=event.to_json(),
            )
        )

    def take_parked(self, session: Session, child_id: str) -> list[Event]:
        """Remove and return the child's parked updates, oldest first."""
        ahead = self._ahead(session, child_id)
        if ahead is not None:
            bodies = ahead.parked[child_id]
        else:
            t = self.parked
            query = select(t.c.body).where(t.c.child_id == child_id).order_by(t.c.occurred_at)
            with session.no_autoflush:
                bodies = list(session.execute(query).scalars())
        events = [parse_event(body) for body in bodies]
        if events:
            self.drop_parked(session, [child_id])
        return events

    def drop_parked(self, session: Session, child_ids: Iterable[str]) -> None:
        """Forget the parked updates of these children (consent withdrawn)."""
        ids = list(child_ids)
        session.execute(delete(self.parked).where(self.parked.c.child_id.in_(ids)))
        for child_id in ids:
            ahead = self._written(session, child_id)
            if ahead is not None:
                ahead.parked[child_id] = []

    def _stored(self, session: Session, child_id: str) -> dict[str, Any] | None:
        ahead = self._ahead(session, child_id)
        if ahead is not None:
            return ahead.versions[child_id]
        query = select(self.versions.c.fields).where(self.versions.c.child_id == child_id)
        with session.no_autoflush:
            return session.execute(query).scalar()

    def _store(
        self,
        session: Session,
        child_id: str,
        stored: dict[str, Any] | None,
        held: dict[str, Any],
    ) -> None:
        ahead = self._written(session, child_id)
        if ahead is not None and held != stored:
            # A batch read ahead: its versions are written together, before it commits.
            new = ahead.unwritten[child_id][0] if child_id in ahead.unwritten else stored is None
            if defer_write(session, ("child versions", self.versions.name), self._write_all):
                ahead.unwritten[child_id] = (new, held)
                ahead.versions[child_id] = held
                return
        t = self.versions
        with session.no_autoflush:
            if stored is None:
                session.execute(insert(t).values(child_id=child_id, fields=held))
            elif held != stored:
                session.execute(update(t).where(t.c.child_id == child_id).values(fields=held))
        if ahead is not None:
            ahead.versions[child_id] = held

    def _write_all(self, session: Session) -> None:
        """Write the versions this transaction changed and has not written: new rows in one
        statement, changed rows in another."""
        ahead = self._read_ahead(session)
        if ahead is not None:
            self._write_unwritten(session, ahead, list(ahead.unwritten))

    def _write_unwritten(self, session: Session, ahead: _ReadAhead, child_ids: list[str]) -> None:
        rows = [(child_id, *ahead.unwritten.pop(child_id)) for child_id in child_ids
                if child_id in ahead.unwritten]  # fmt: skip
        new = [{"child_id": child_id, "fields": held} for child_id, is_new, held in rows if is_new]
        changed = [
            {"child": child_id, "held": held} for child_id, is_new, held in rows if not is_new
        ]
        connection = session.connection()
        if new:
            connection.execute(insert(self.versions), new)
        if changed:
            connection.execute(self._update_fields, changed)


def _not_newer(held: list[str], version: list[str]) -> bool:
    """True when the field was set by this event already, or by one that occurred later.

    Two events of one instant (a frozen clock, a batch written at once) are taken in the order
    they arrive: the tie-breaking id says nothing about which was meant to win.
    """
    return held[0] > version[0] or held == version
