"""Draining a backlog, the relay marks a confirmed batch while the broker takes the next one.

Marking a batch sent (an UPDATE and a commit) used to wait between two batches. On PostgreSQL
it now runs while the next batch is with the broker; a batch is still sent only after the one
before it was confirmed, and a batch confirmed is marked sent whatever happens to the next.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text

from shared.db import Database
from shared.messaging.publisher import PublishError
from shared.messaging.topology import Topology
from shared.outbox import OutboxRelay, erase_child_events

pytestmark = pytest.mark.integration
BATCH = 10
NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
PHONE = "+992901234567"


class Broker:
    """Notes, when each batch is sent and when its confirms are awaited, how many rows the
    database shows as sent; can drop the connection on one batch."""

    def __init__(self, db: Database, table, fail_batch: int | None = None) -> None:
        self.db, self.table, self.fail_batch = db, table, fail_batch
        self.fail_on_start: int | None = None  # the connection drops while sending this batch
        self.refuse: set[str] = set()  # ids the broker refuses (unroutable, say)
        self.on_start = lambda batch: None
        self.batches: list[list[str]] = []
        self.steps: list[tuple[str, int, int]] = []
        self.on_confirm = lambda batch: None

    def marked(self) -> int:
        t = self.table
        with self.db.engine.connect() as connection:
            return connection.execute(
                select(func.count()).where(t.c.published_at.is_not(None))
            ).scalar_one()

    def start(self, messages):
        batch = len(self.batches)
        self.batches.append([m.message_id for m in messages])
        if batch == self.fail_on_start:
            raise PublishError("publish failed: BrokenPipeError(32)")
        self.on_start(batch)
        self.steps.append(("sent", batch, self.marked()))

        def confirmed():
            self.steps.append(("confirmed", batch, self.marked()))
            if batch == self.fail_batch:
                raise PublishError("publish failed: ConnectionResetError(104)")
            self.on_confirm(batch)
            return [m.message_id for m in messages if m.message_id not in self.refuse]

        return confirmed

    def heartbeat(self) -> None:
        pass


def fill(db: Database, table, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with db.engine.begin() as connection:
        connection.execute(
            insert(table),
            [{"id": i, "event_type": "child.registered", "correlation_id": f"c-{n}",
              "body": json.dumps({"payload": {"child_id": f"c-{n}", "phone": PHONE}}),
              "created_at": NOW, "attempts": 0} for n, i in enumerate(ids)],
        )  # fmt: skip
    return ids


def states(db: Database, table, ids: list[str]) -> list[tuple]:
    t = table
    with db.engine.connect() as connection:
        found = connection.execute(
            select(t.c.id, t.c.published_at.is_not(None), t.c.attempts, t.c.last_error)
            .where(t.c.id.in_(ids))
        ).all()  # fmt: skip
    return sorted((row[1], row[2], row[3] is not None) for row in found)


def test_a_backlog_batch_is_marked_while_the_next_is_with_the_broker(outbox_database):
    db, table = outbox_database
    ids = fill(db, table, 3 * BATCH + 4)
    broker = Broker(db, table)
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)

    while relay.relay_once():
        pass

    assert broker.steps == [
        ("sent", 0, 0), ("confirmed", 0, 0),
        # batch 0 is marked after batch 1 was sent, before its confirms are awaited
        ("sent", 1, 0), ("confirmed", 1, 10),
        ("sent", 2, 10), ("confirmed", 2, 20),
        ("sent", 3, 20), ("confirmed", 3, 30),
    ]  # fmt: skip
    assert [len(b) for b in broker.batches] == [BATCH, BATCH, BATCH, 4]
    assert sum(broker.batches, []) == ids  # oldest first, each once
    assert broker.marked() == len(ids) and relay.published == len(ids)


def test_a_confirmed_batch_is_marked_even_when_the_next_one_fails(outbox_database):
    db, table = outbox_database
    ids = fill(db, table, 2 * BATCH + 4)
    broker = Broker(db, table, fail_batch=1)
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)

    assert relay.relay_once() == BATCH
    with pytest.raises(PublishError):
        relay.relay_once()

    first, second, rest = ids[:BATCH], ids[BATCH : 2 * BATCH], ids[2 * BATCH :]
    assert states(db, table, first) == [(True, 1, False)] * BATCH
    assert states(db, table, second) == [(False, 1, True)] * BATCH  # tried, error recorded
    assert states(db, table, rest) == [(False, 0, False)] * 4

    broker.fail_batch = None  # the broker is back: the failed batch goes out first
    while relay.relay_once():
        pass
    assert broker.batches[2] == second
    assert broker.marked() == len(ids)


def test_a_relay_stopped_mid_backlog_marks_every_batch_confirmed(outbox_database):
    db, table = outbox_database
    fill(db, table, 5 * BATCH)
    broker = Broker(db, table)
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)
    stop, wake = threading.Event(), threading.Event()

    def stop_after_second(batch: int) -> None:
        if batch == 1:
            stop.set()
            wake.set()

    broker.on_confirm = stop_after_second
    relay.run(stop, wake, poll_seconds=0.01)

    assert len(broker.batches) == 2
    assert broker.marked() == 2 * BATCH


def test_a_waiting_batch_is_marked_when_sending_the_next_one_fails(outbox_database):
    db, table = outbox_database
    ids = fill(db, table, 2 * BATCH + 4)
    broker = Broker(db, table)
    broker.fail_on_start = 1
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)

    assert relay.relay_once() == BATCH
    with pytest.raises(PublishError):
        relay.relay_once()

    first, second = ids[:BATCH], ids[BATCH : 2 * BATCH]
    assert states(db, table, first) == [(True, 1, False)] * BATCH
    assert states(db, table, second) == [(False, 1, True)] * BATCH  # tried, error recorded


def test_a_refused_row_of_a_full_batch_is_counted_and_held_back_first(outbox_database):
    db, table = outbox_database
    ids = fill(db, table, 3 * BATCH)
    broker = Broker(db, table)
    broker.refuse = {ids[3]}
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)

    assert relay.relay_once() == BATCH - 1
    t = table
    with db.engine.connect() as connection:
        refusals = connection.execute(select(t.c.refusals).where(t.c.id == ids[3])).scalar_one()
    assert refusals == 1  # counted at once, not a batch later
    assert broker.marked() == BATCH - 1

    while relay.relay_once():
        pass
    assert ids[3] not in sum(broker.batches[1:], [])  # held back for retry_refused_after
    assert broker.marked() == 3 * BATCH - 1


def test_an_erasure_during_a_batch_being_marked_treats_its_rows_as_published(outbox_database):
    """Consent withdrawn while the relay still holds a sent batch unmarked: the erasure waits
    for the batch to be marked, then rewrites the child's event as published (only the
    child's id left), not as an unsent event with its phone blanked."""
    db, table = outbox_database
    ids = fill(db, table, 2 * BATCH)
    broker = Broker(db, table)
    relay = OutboxRelay(db, table, broker, Topology("t"), batch_size=BATCH)

    def erase() -> None:
        with db.session() as session:
            erase_child_events(
                session, table, "c-3", blank_unsent={"child.registered": {"phone": None}}
            )

    eraser = threading.Thread(target=erase)

    def erase_while_batch_0_waits(batch: int) -> None:
        if batch != 1:
            return
        eraser.start()
        deadline = time.monotonic() + 10
        with db.engine.connect() as connection:
            while time.monotonic() < deadline:
                waiting = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                         " AND datname = current_database()")
                ).scalar_one()  # fmt: skip
                connection.commit()
                if waiting:
                    return
                time.sleep(0.01)
        raise AssertionError("the erasure never waited for the relay's lock")

    broker.on_start = erase_while_batch_0_waits
    while relay.relay_once():
        pass
    eraser.join(10)

    t = table
    with db.engine.connect() as connection:
        body = connection.execute(select(t.c.body).where(t.c.id == ids[3])).scalar_one()
    assert json.loads(body)["payload"] == {"child_id": "c-3", "erased": True}
    assert PHONE not in body
