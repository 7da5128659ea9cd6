"""Transactional outbox: events are rows committed with the state change, relayed afterwards."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from shared.config import load_settings
from shared.db import Database, lock_for_update, walk_queue_in_order
from shared.messaging.publisher import Outgoing, Publisher, PublishError
from shared.messaging.topology import Topology
from shared.subscriptions import is_routed

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    """The outbox: one row per event, unsent until the broker confirmed it.

    `seq` keeps the order in which events were written, also within one transaction (where
    they share a timestamp): a cancellation goes out before the new offer it caused.
    `attempts` counts every publish tried, `refusals` those the broker refused this very
    message (not a lost connection); after `OUTBOX_MAX_REFUSALS` the row gets `failed_at` and
    the relay leaves it until an operator retries it (`python -m shared.outbox retry`).
    """
    table = Table(
        "outbox",
        metadata,
        Column(
            "seq",
            BigInteger().with_variant(Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("id", String(64), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("correlation_id", String(100), nullable=False, index=True),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Column("refusals", Integer, nullable=False, default=0, server_default="0"),
        Column("failed_at", DateTime(timezone=True), nullable=True),
    )
    Index(
        "ix_outbox_unsent",
        table.c.seq,
        postgresql_where=table.c.published_at.is_(None),
        sqlite_where=table.c.published_at.is_(None),
    )
    return table


def erase_child_events(
    session: Session,
    table: Table,
    child_id: str,
    drop_unsent: tuple[str, ...] = (),
    blank_unsent: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Take a child's personal data out of the outbox (consent withdrawn), sent or not.

    An unsent event of a type in `drop_unsent` is deleted: nobody has seen it, and the
    withdrawal that follows tells every service all it needs. Other unsent events keep their
    shape, with the fields named in `blank_unsent` replaced. A published event keeps its
    envelope (it is counted) and only the child's id in its payload.
    """
    owned = table.c.correlation_id == child_id
    if drop_unsent:
        session.execute(
            delete(table).where(
                owned, table.c.published_at.is_(None), table.c.event_type.in_(drop_unsent)
            )
        )
    # Locked before they are read: a row the relay is sending is read once it is marked, so
    # an event already published is rewritten as published.
    rows = session.execute(
        select(table.c.id, table.c.event_type, table.c.body, table.c.published_at)
        .where(owned)
        .with_for_update()
    ).all()
    for row in rows:
        envelope = json.loads(row.body)
        if row.published_at is not None:
            envelope["payload"] = {"child_id": child_id, "erased": True}
        else:
            blanks = (blank_unsent or {}).get(row.event_type)
            if not blanks:
                continue
            envelope["payload"] = {**envelope["payload"], **blanks}
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        if body != row.body:
            session.execute(update(table).where(table.c.id == row.id).values(body=body))


def prune_published(session: Session, table: Table, before: datetime, limit: int = 5000) -> int:
    """Delete up to `limit` events published before `before`; return how many."""
    oldest = (
        select(table.c.seq)
        .where(table.c.published_at.is_not(None), table.c.published_at < before)
        .order_by(table.c.seq)
        .limit(limit)
    )
    done = session.execute(delete(table).where(table.c.seq.in_(oldest.scalar_subquery())))
    return int(done.rowcount or 0)


def waiting(table: Table) -> Any:
    """The condition of rows the relay still has to publish: unsent and not failed."""
    return and_(table.c.published_at.is_(None), table.c.failed_at.is_(None))


def outbox_lag_seconds(session: Session, table: Table, now: datetime) -> float:
    """Age in seconds of the oldest event waiting to be sent (0 when none waits).

    Failed rows do not count: they wait for an operator, and `platform_outbox_failed` shows them.
    """
    oldest = session.execute(select(func.min(table.c.created_at)).where(waiting(table))).scalar()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())


def failed_rows(session: Session, table: Table, limit: int = 1000) -> list[dict[str, Any]]:
    """The failed rows, oldest first: what an operator reads before retrying them."""
    t = table
    query = (
        select(t.c.id, t.c.event_type, t.c.correlation_id, t.c.created_at, t.c.attempts,
               t.c.refusals, t.c.last_error, t.c.failed_at)
        .where(t.c.failed_at.is_not(None), t.c.published_at.is_(None))
        .order_by(t.c.seq)
        .limit(limit)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(query)]


def retry_failed(session: Session, table: Table, ids: list[str] | None = None) -> int:
    """Give failed rows back to the relay (all of them when `ids` is None); return how many.

    Their refusals start again from 0, so each gets the full number of tries once more.
    """
    t = table
    query = update(t).where(t.c.failed_at.is_not(None), t.c.published_at.is_(None))
    if ids is not None:
        query = query.where(t.c.id.in_(ids))
    done = session.execute(query.values(failed_at=None, refusals=0))
    return int(done.rowcount or 0)


class _Unsettled:
    """A batch the broker confirmed whose rows are not marked yet: its transaction, still open,
    keeps them locked, so no relay picks them again meanwhile."""

    def __init__(self, session: Session, rows: list[Any], confirmed: list[str]) -> None:
        self.session, self.rows, self.confirmed = session, rows, confirmed


class OutboxRelay:
    """Publishes unsent outbox rows oldest first, marking them sent only after the confirm.

    A row the broker refuses is held back for `retry_refused_after` seconds (in this relay),
    so the rows behind it go out meanwhile; after `max_refusals` refusals it is marked failed
    and no longer picked. Rows of the same child behind a failed row still go out: consumers
    take a child's events in any order (shared/ordering.py parks an update of a child whose
    registration has not arrived, and applies it once the retried registration does).

    Draining a backlog on PostgreSQL, the relay marks a confirmed batch while the broker takes
    the next one: the batch's transaction stays open, its rows locked, until the next batch has
    been sent (`_Unsettled`). A batch is only sent once the one before it was confirmed, so the
    order is kept; a crash in between sends the unmarked batch again, as a crash between a
    confirm and its commit always did, and consumers drop what they already handled. A batch
    with a refused row is marked at once.
    """

    def __init__(
        self,
        db: Database,
        table: Table,
        publisher: Publisher,
        topology: Topology,
        batch_size: int = 200,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        max_refusals: int = 10,
        retry_refused_after: float = 30.0,
    ) -> None:
        self.db = db
        self.table = table
        self.publisher = publisher
        self.topology = topology
        self.batch_size = batch_size
        self.clock = clock
        self.max_refusals = max_refusals
        self.retry_refused_after = retry_refused_after
        # Refused rows this relay holds back: id → monotonic time it may be tried again.
        self._held: dict[str, float] = {}
        self.published = 0
        # The last batch was full: a backlog waits, and the next batches walk the index in
        # order (shared/db.py walk_queue_in_order); a relay keeping up pays nothing for it.
        self._draining = False
        # SQLite has one writer at a time: there a batch is marked before the next is read.
        self._postgres = db.engine.dialect.name == "postgresql"
        self._unsettled: _Unsettled | None = None
        t = table
        self._next = lock_for_update(
            select(t.c.id, t.c.event_type, t.c.correlation_id, t.c.body)
            .where(waiting(t))
            .order_by(t.c.seq)
            .limit(batch_size),
            db,
        )
        # A text of its own, so its prepared statement and cached plan are made with sorting
        # off: a plan cached for the short batches of a relay keeping up would be used again
        # whatever the transaction's settings.
        self._next_of_backlog = self._next.prefix_with("/* backlog */")
        # On PostgreSQL the batch's ids are one array parameter: a statement with one
        # parameter per id is too long for the driver to keep parsed, and is parsed each time.
        ids = (
            t.c.id == any_(bindparam("ids", type_=ARRAY(String)))
            if self._postgres
            else t.c.id.in_(bindparam("ids", expanding=True))
        )
        self._sent = (
            update(t).where(ids).values(published_at=bindparam("at"), attempts=t.c.attempts + 1)
        )
        # Test hook: called after the broker confirmed a batch, before rows are marked sent.
        self.after_confirm: Callable[[list[str]], None] | None = None

    def relay_once(self) -> int:
        """Publish one batch; return how many events the broker confirmed.

        When the batch filled (a backlog waits) on PostgreSQL, its rows are marked by the next
        call, while the broker takes the next batch, or by `settle`.
        """
        held = self._still_held()
        query = self._next_of_backlog if self._draining else self._next
        if held:
            query = query.where(self.table.c.id.not_in(held))
        session = self.db.sessions()
        try:
            session.begin()
            if self._draining:
                walk_queue_in_order(session)
            rows = session.execute(query).all()
        except BaseException:
            session.close()
            self.settle()
            raise
        self._draining = len(rows) == self.batch_size
        if not rows:
            session.close()
            self.settle()
            return 0
        try:
            confirmed = self._publish(rows)
        except PublishError as failure:
            session.close()
            # Recorded in a transaction of its own, after the row locks were released: the
            # relay's transaction carries no writes when the publish failed.
            with self.db.session() as failures:
                self._record_failure(failures, [r.id for r in rows], str(failure))
            raise
        except BaseException:
            session.close()
            raise
        batch = _Unsettled(session, rows, confirmed)
        if self._draining and self._postgres and len(confirmed) == len(rows):
            self._unsettled = batch
        else:
            # A refused row is counted and held back before the next batch is read; a relay
            # that stops at a call returning 0 leaves no transaction open.
            self._commit(batch)
        return len(confirmed)

    def settle(self) -> None:
        """Mark the batch confirmed last, if its rows wait to be marked."""
        batch, self._unsettled = self._unsettled, None
        if batch is not None:
            self._commit(batch)

    def _publish(self, rows: list[Any]) -> list[str]:
        """Send the batch; settle the one before it while the broker takes this one."""
        try:
            confirmed = self.publisher.start([self._message(row) for row in rows])
        finally:
            self._settle_or_resend()
        return confirmed()

    def _settle_or_resend(self) -> None:
        """Settle; a confirmed batch that cannot be marked is logged and sent again later
        (consumers drop what they already handled), so the publish in flight is still seen
        through and its own failure, if any, is the one recorded."""
        try:
            self.settle()
        except Exception as exc:
            log.warning(
                "outbox relay could not mark a confirmed batch sent; it will be sent again",
                extra={"fields": {"error": repr(exc)[:300]}},
            )

    def _commit(self, batch: _Unsettled) -> None:
        try:
            self._mark(batch.session, batch.rows, batch.confirmed)
            batch.session.commit()
        finally:
            batch.session.close()
        self.published += len(batch.confirmed)

    def _mark(self, session: Session, rows: list[Any], confirmed: list[str]) -> None:
        """Mark what the broker confirmed as sent; count a refusal on each refused row."""
        if self.after_confirm:
            self.after_confirm(confirmed)
        now = self.clock()
        if confirmed:
            session.execute(self._sent, {"ids": confirmed, "at": now})
        taken = set(confirmed)
        refused = [r for r in rows if r.id not in taken]
        if refused:
            self._record_refusal(session, refused, now)

    def _still_held(self) -> list[str]:
        """The refused rows not to be tried yet; forget those whose wait is over."""
        moment = time.monotonic()
        self._held = {i: until for i, until in self._held.items() if until > moment}
        return list(self._held)

    def _record_refusal(self, session: Session, rows: list[Any], now: datetime) -> None:
        """Count a refusal on each row; hold it back a while; fail it at the cap."""
        t = self.table
        ids = [r.id for r in rows]
        session.execute(
            update(t)
            .where(t.c.id.in_(ids))
            .values(
                attempts=t.c.attempts + 1,
                refusals=t.c.refusals + 1,
                last_error="refused by the broker",
            )
        )
        at_cap = select(t.c.id).where(t.c.id.in_(ids), t.c.refusals >= self.max_refusals)
        failed_ids = set(session.execute(at_cap).scalars())
        if failed_ids:
            session.execute(update(t).where(t.c.id.in_(failed_ids)).values(failed_at=now))
        until = time.monotonic() + self.retry_refused_after
        for row in rows:
            if row.id in failed_ids:
                self._held.pop(row.id, None)
                log.error(
                    "outbox row failed: the broker refused it too often; retry it with "
                    "python -m shared.outbox retry",
                    extra={"fields": {"event_id": row.id, "event_type": row.event_type,
                                      "correlation_id": row.correlation_id,
                                      "refusals": self.max_refusals}},
                )  # fmt: skip
            else:
                self._held[row.id] = until

    def _message(self, row: Any) -> Outgoing:
        """The stored JSON goes out as it is: no parsing or re-serialising on the hot path."""
        return Outgoing(
            body=row.body,
            exchange=self.topology.events,
            routing_key=row.event_type,
            message_id=row.id,
            mandatory=is_routed(row.event_type),
            headers={"event_type": row.event_type},
            correlation_id=row.correlation_id,
        )

    def _record_failure(self, session: Session, ids: list[str], error: str) -> None:
        t = self.table
        session.execute(
            update(t)
            .where(t.c.id.in_(ids))
            .values(attempts=t.c.attempts + 1, last_error=error[:500])
        )

    def run(
        self,
        stop: threading.Event,
        wake: threading.Event,
        poll_seconds: float | Callable[[], float],
    ) -> None:
        """Relay until stopped: drain while there is work, then wait for a wake-up or a poll.

        poll_seconds may be a function: the wait is then chosen anew each round (long while
        PostgreSQL's notices wake the relay, short while they do not: shared/outbox_notices.py).

        A batch that was not full took every row committed before it: the relay then waits
        instead of looking again at once (a look that finds nothing is a transaction too, one
        per wake-up). A row committed after that look sets `wake` (its notice, or this
        process's commit) after the wait's previous clear, so the wait returns at once.
        """
        wait_for = poll_seconds if callable(poll_seconds) else (lambda: poll_seconds)
        backoff = 0.5
        while not stop.is_set():
            try:
                self.relay_once()
                while not stop.is_set() and self._draining:
                    self.relay_once()
                self.settle()
                backoff = 0.5
                self.publisher.heartbeat()
            except PublishError as exc:
                log.warning(
                    "outbox relay cannot publish; retrying", extra={"fields": {"error": str(exc)}}
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            except Exception:
                log.exception("outbox relay failed; retrying")
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            wake.wait(wait_for())
            wake.clear()


OUTBOX_SERVICES = ("intake", "assessment", "referral", "notifications", "quality")


def main(argv: list[str] | None = None) -> int:
    """List a service's failed outbox rows, or give them back to its relay."""
    parser = argparse.ArgumentParser(
        prog="python -m shared.outbox",
        description="Outbox rows the broker kept refusing: list them, or retry them after a fix.",
    )
    parser.add_argument("command", choices=("failed", "retry"))
    parser.add_argument("service", choices=OUTBOX_SERVICES)
    parser.add_argument("--id", dest="event_ids", action="append", help="only this event id")
    parser.add_argument("--all", action="store_true", help="retry every failed row")
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.command == "retry" and not (args.all or args.event_ids):
        parser.error("retry needs --id ID or --all")
    settings = load_settings(args.service, dict(os.environ))
    db = Database(settings.database_url)
    table = outbox_table(MetaData())
    try:
        with db.session() as session:
            if args.command == "retry":
                count = retry_failed(session, table, None if args.all else args.event_ids)
                print(json.dumps({"retried": count}))
                return 0 if count or args.all else 1
            for row in failed_rows(session, table, args.limit):
                if not args.event_ids or row["id"] in args.event_ids:
                    print(json.dumps(row, ensure_ascii=False, default=str))
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
