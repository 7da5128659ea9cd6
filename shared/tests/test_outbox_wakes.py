"""The relay looks at its outbox once per wake-up when the look finds less than a batch.

It used to look again at once after every batch, and that look found nothing: one empty
transaction per commit it was woken for. Rows committed while it works still go out, because
their commit wakes it again.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, insert

from shared.events import make_event
from shared.messaging.topology import topology_for
from shared.outbox import OutboxRelay
from shared.testing.publishers import StandInPublisher
from shared.tests import backbone_app as app


class Broker(StandInPublisher):
    """Takes every message; can run a callback inside the first publish."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.during_first: list = []

    def publish(self, messages):
        while self.during_first:
            self.during_first.pop()()
        self.sent += [m.message_id for m in messages]
        return [m.message_id for m in messages]


pytestmark = pytest.mark.integration


@pytest.fixture
def producer(make_database):
    # PostgreSQL: on SQLite nothing commits while the relay's transaction holds the write lock.
    runtime = app.producer_runtime(make_database("wakes"), "memory://", "t")
    yield runtime
    runtime.db.dispose()


def commit_elsewhere(runtime, child_id: str) -> None:
    """An event committed by another process (an API): it wakes the relay only by its notice."""
    event_ = make_event(app.EVENT_TYPE, {"child_id": child_id}, producer="intake",
                        correlation_id=child_id)  # fmt: skip
    row = {"id": event_.id, "event_type": event_.type, "correlation_id": child_id,
           "body": event_.to_json(), "created_at": datetime.now(UTC), "attempts": 0}  # fmt: skip
    with runtime.db.engine.begin() as connection:
        connection.execute(insert(runtime.tables.outbox), [row])


def _happens(condition, within: float) -> bool:
    """Whether the condition comes true within the time given (polled)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the relay did not publish in time"
        time.sleep(0.01)


def test_one_look_per_wake_and_a_row_committed_meanwhile_still_goes_out(producer):
    broker = Broker()
    relay = OutboxRelay(
        producer.db, producer.tables.outbox, broker, topology_for(producer.settings), batch_size=50
    )
    looks: list[str] = []

    def count(conn, cursor, statement, *rest) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM outbox" in statement:
            looks.append(statement)

    event.listen(producer.db.engine, "before_cursor_execute", count)
    stop = threading.Event()
    # A poll far longer than the test: only wake-ups make the relay look.
    worker = threading.Thread(target=relay.run, args=(stop, producer.outbox_wake, 600.0))
    worker.start()
    try:
        _until(lambda: len(looks) == 1)  # the look it starts with
        for n in range(3):
            commit_elsewhere(producer, f"c-{n}")
        producer.outbox_wake.set()  # their notice

        def late() -> None:  # committed while the batch is being published, and its notice
            commit_elsewhere(producer, "late")
            producer.outbox_wake.set()

        broker.during_first.append(late)
        _until(lambda: len(broker.sent) == 4)
        # The look it started with, the batch of three, the late row: no look in between
        # that found nothing, and none after (it waits for the next wake-up).
        _until(lambda: len(looks) >= 3)
        assert not _happens(lambda: len(looks) > 3, within=0.5), looks
    finally:
        stop.set()
        producer.outbox_wake.set()
        worker.join(10)
        event.remove(producer.db.engine, "before_cursor_execute", count)
