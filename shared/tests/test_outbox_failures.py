"""A publish that fails is counted on its outbox rows; a row refused too often is failed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shared.messaging.publisher import PublishError
from shared.messaging.topology import topology_for
from shared.metrics import Metrics
from shared.outbox import OutboxRelay
from shared.outbox import main as outbox_cli
from shared.testing.publishers import StandInPublisher
from shared.tests import backbone_app as app


class BrokenPublisher(StandInPublisher):
    """A publisher whose broker is away: every publish fails."""

    def publish(self, messages):
        raise PublishError("connection refused by broker at 10.0.0.5")


class RefusingPublisher(StandInPublisher):
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


class PickyPublisher(StandInPublisher):
    """A broker that refuses the messages it is told to and confirms the others."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.offered: list[str] = []

    def publish(self, messages):
        self.offered.extend(m.message_id for m in messages)
        return [m.message_id for m in messages if m.message_id not in self.refuse]


def emitted(runtime, child_id: str) -> str:
    return app.change_state(runtime, child_id).id


def row_state(runtime, event_id: str) -> dict:
    t = runtime.tables.outbox
    with runtime.db.session() as session:
        query = select(
            t.c.attempts, t.c.refusals, t.c.last_error, t.c.published_at, t.c.failed_at
        ).where(t.c.id == event_id)
        return dict(session.execute(query).one()._mapping)


def test_a_row_refused_too_often_fails_and_the_rows_behind_it_still_go_out(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    first = emitted(runtime, "c-1")  # refused every time
    later_same_child = emitted(runtime, "c-1x")
    other = emitted(runtime, "c-2")
    publisher = PickyPublisher({first})
    outbox = OutboxRelay(
        runtime.db, runtime.tables.outbox, publisher, topology_for(runtime.settings),
        max_refusals=3, retry_refused_after=0,
    )  # fmt: skip

    assert outbox.relay_once() == 2
    for _ in range(2):
        outbox.relay_once()

    failed = row_state(runtime, first)
    assert failed["refusals"] == 3 and failed["attempts"] == 3
    assert failed["failed_at"] is not None and failed["published_at"] is None
    assert failed["last_error"] == "refused by the broker"
    assert row_state(runtime, later_same_child)["published_at"] is not None
    assert row_state(runtime, other)["published_at"] is not None
    offered = len(publisher.offered)
    emitted_after = emitted(runtime, "c-3")
    assert outbox.relay_once() == 1
    assert publisher.offered[offered:] == [emitted_after]  # the failed row is left alone
    runtime.db.dispose()


def test_rows_of_one_child_behind_a_failed_row_go_out_in_their_order(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    with runtime.unit_of_work() as uow:
        first = uow.emit(app.EVENT_TYPE, {"child_id": "c-1"}, correlation_id="c-1").id
        second = uow.emit(app.EVENT_TYPE, {"child_id": "c-1"}, correlation_id="c-1").id
        third = uow.emit(app.EVENT_TYPE, {"child_id": "c-1"}, correlation_id="c-1").id
    publisher = PickyPublisher({first})
    outbox = OutboxRelay(
        runtime.db, runtime.tables.outbox, publisher, topology_for(runtime.settings),
        max_refusals=1, retry_refused_after=0,
    )  # fmt: skip

    assert outbox.relay_once() == 2
    assert publisher.offered == [first, second, third]
    assert row_state(runtime, first)["failed_at"] is not None
    assert outbox.relay_once() == 0
    assert publisher.offered == [first, second, third]
    runtime.db.dispose()


def test_refused_rows_at_the_head_do_not_stall_the_relay(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    refused = {emitted(runtime, "c-1"), emitted(runtime, "c-2")}
    behind = emitted(runtime, "c-3")
    outbox = OutboxRelay(
        runtime.db, runtime.tables.outbox, PickyPublisher(refused),
        topology_for(runtime.settings), batch_size=2,
    )  # fmt: skip

    assert outbox.relay_once() == 0  # the whole batch refused
    assert outbox.relay_once() == 1  # held back for a while: the row behind them goes out
    assert row_state(runtime, behind)["published_at"] is not None
    assert all(row_state(runtime, i)["failed_at"] is None for i in refused)
    runtime.db.dispose()


def test_a_broker_outage_never_fails_a_row(producer):
    outbox = OutboxRelay(
        producer.db, producer.tables.outbox, BrokenPublisher(),
        topology_for(producer.settings), max_refusals=2,
    )  # fmt: skip
    for _ in range(5):
        with pytest.raises(PublishError):
            outbox.relay_once()

    assert [row[0] for row in outbox_rows(producer)] == [5, 5]
    t = producer.tables.outbox
    with producer.db.session() as session:
        assert session.execute(select(t.c.failed_at, t.c.refusals)).all() == [(None, 0)] * 2


def test_failed_rows_show_in_the_metrics_not_in_the_pending_count(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    first = emitted(runtime, "c-1")
    emitted(runtime, "c-2")
    OutboxRelay(
        runtime.db, runtime.tables.outbox, PickyPublisher({first}),
        topology_for(runtime.settings), max_refusals=1,
    ).relay_once()  # fmt: skip
    emitted(runtime, "c-3")

    text = Metrics("intake").render(runtime).decode()
    assert "platform_outbox_failed 1.0" in text
    assert "platform_outbox_pending 1.0" in text
    assert "platform_events_published 1.0" in text
    runtime.db.dispose()


def test_an_operator_lists_and_retries_a_failed_row(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    runtime = app.producer_runtime(url, "memory://", "t")
    first, second = emitted(runtime, "c-1"), emitted(runtime, "c-2")
    topology = topology_for(runtime.settings)
    OutboxRelay(
        runtime.db, runtime.tables.outbox, PickyPublisher({first, second}), topology,
        max_refusals=1,
    ).relay_once()  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", "x" * 32)

    assert outbox_cli(["failed", "intake"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["refusals"]) for r in listed] == [(first, 1), (second, 1)]
    assert outbox_cli(["retry", "intake", "--id", first]) == 0
    assert json.loads(capsys.readouterr().out) == {"retried": 1}

    publisher = PickyPublisher(set())
    assert OutboxRelay(runtime.db, runtime.tables.outbox, publisher, topology).relay_once() == 1
    assert publisher.offered == [first]
    assert row_state(runtime, first)["published_at"] is not None
    assert row_state(runtime, second)["failed_at"] is not None
    assert outbox_cli(["retry", "intake", "--id", "no-such-event"]) == 1
    runtime.db.dispose()
