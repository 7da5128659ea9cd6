"""A backlog drains batch by batch, each batch reading about its own rows, not the whole backlog.

A table PostgreSQL has not analyzed yet (a new service's database, the first minute after the
register is imported or the broker came back) has no statistics: the planner expected one
waiting row, so every batch read and sorted the whole backlog, and draining it cost the
backlog's square (20,000 events: 1.03 s of SELECTs instead of 0.10 s).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, insert

from shared.db import Database
from shared.messaging.topology import Topology
from shared.outbox import OutboxRelay
from shared.testing.publishers import StandInPublisher

pytestmark = pytest.mark.integration
BACKLOG = 2000  # waiting in a new database's outbox
BATCH = 200
NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


class Broker(StandInPublisher):
    """Takes every message at once (the broker is back)."""

    def publish(self, messages):
        return [m.message_id for m in messages]


def rows(count: int) -> list[dict]:
    body = json.dumps({"payload": {"pad": "x" * 500}})
    return [
        {"id": str(uuid.uuid4()), "event_type": "child.registered", "correlation_id": "c",
         "body": body, "created_at": NOW, "attempts": 0}
        for _ in range(count)
    ]  # fmt: skip


class Batches:
    """Each batch's SELECT as the relay sends it, and the rows its plan reads (EXPLAIN ANALYZE
    in the relay's own transaction, so under the transaction's settings)."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine
        self.statements: list[str] = []
        self.read: list[int] = []
        event.listen(self.engine, "before_cursor_execute", self.explain)

    def explain(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FOR UPDATE" in statement:
            probe = conn.connection.cursor()
            probe.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
            plan = probe.fetchone()[0][0]["Plan"]
            probe.close()
            self.statements.append(statement)
            self.read.append(max(_scanned(plan)))

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.explain)


def _scanned(node: dict) -> list[int]:
    """The rows each scan under a plan node read: those it returned and those its filter threw
    away."""
    found = []
    if node["Node Type"].endswith("Scan"):
        found.append(node["Actual Rows"] + node.get("Rows Removed by Filter", 0))
    for child in node.get("Plans", []):
        found += _scanned(child)
    return found or [0]


def test_each_batch_of_a_backlog_after_the_first_reads_about_a_batch_of_rows(outbox_database):
    db, table = outbox_database
    with db.engine.begin() as connection:
        connection.execute(insert(table), rows(BACKLOG))
    relay = OutboxRelay(db, table, Broker(), Topology("t"), batch_size=BATCH)
    batches = Batches(db)
    try:
        while relay.relay_once():
            pass
    finally:
        batches.stop()

    assert relay.published == BACKLOG
    assert len(batches.read) == BACKLOG // BATCH + 1  # the last look finds nothing
    # The first look finds the backlog (it reads all of it, once); every batch after it reads
    # about a batch: its own rows, and those of the batch before it, still locked while they
    # are marked sent (skipped, not returned).
    after_first = max(batches.read[1:])
    assert after_first <= 2 * BATCH, f"a batch read {after_first} rows of a {BACKLOG}-row backlog"
    # Those batches send a text of their own: a plan cached for the first text (prepared by the
    # driver after a few runs) is never used for them, whatever it was made under.
    first, *draining = batches.statements
    assert "/* backlog */" not in first
    assert all("/* backlog */" in statement for statement in draining)
