"""A publish that fails is counted on its outbox rows, in a transaction of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.messaging.publisher import PublishError
from shared.messaging.topology import topology_for
from shared.outbox import OutboxRelay
from shared.tests import backbone_app as app


class BrokenPublisher:
    """A publisher whose broker is away: every publish fails."""

    def publish(self, messages):
        raise PublishError("connection refused by broker at 10.0.0.5")


class RefusingPublisher:
    """A broker that confirms all but the first message."""

    def publish(self, messages):
        return [m.message_id for m in messages[1:]]


@pytest.fixture
def producer(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    for child_id in ("c-1", "c-2"):
        app.change_state(runtime, child_id)
    yield runtime
    runtime.db.dispose()


def outbox_rows(runtime) -> list[tuple]:
    t = runtime.tables.outbox
    with runtime.db.session() as session:
        query = select(t.c.attempts, t.c.last_error, t.c.published_at).order_by(t.c.seq)
        return [tuple(row) for row in session.execute(query)]


def relay(runtime, publisher) -> OutboxRelay:
    return OutboxRelay(runtime.db, runtime.tables.outbox, publisher, topology_for(runtime.settings))


def test_a_failed_publish_is_recorded_on_every_row_of_the_batch(producer):
    outbox = relay(producer, BrokenPublisher())
    for _ in range(2):
        with pytest.raises(PublishError):
            outbox.relay_once()

    assert outbox_rows(producer) == [
        (2, "connection refused by broker at 10.0.0.5", None),
        (2, "connection refused by broker at 10.0.0.5", None),
    ]


def test_a_refused_row_is_counted_and_the_confirmed_one_is_sent(producer):
    assert relay(producer, RefusingPublisher()).relay_once() == 1

    (refused, sent) = outbox_rows(producer)
    assert refused[:3] == (1, "refused by the broker", None)
    assert sent[0] == 1 and sent[2] is not None
