"""The backbone's promises against a real RabbitMQ and PostgreSQL: no loss, no double effect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid

import pytest
from kombu import Connection, Producer
from sqlalchemy import func, select

from shared.messaging.topology import Names, Topology
from shared.testing import EventTap, wait_for
from shared.tests import backbone_app as app

# Mostly waiting on redeliveries and restarts: started early, it fills a worker nobody needs.
pytestmark = [pytest.mark.integration, pytest.mark.long(seconds=25)]


@pytest.fixture
def stack(make_database, rabbitmq_url, broker_namespace):
    """A producer and a consumer database on one broker namespace, and a tap on its exchange."""
    urls = {"producer": make_database("prod"), "consumer": make_database("cons")}
    producer = app.producer_runtime(urls["producer"], rabbitmq_url, broker_namespace)
    consumer = app.consumer_runtime(urls["consumer"], rabbitmq_url, broker_namespace)
    app.make_relay(producer).publisher.publish([])  # declares nothing; topology comes below
    with Connection(rabbitmq_url) as connection:
        Topology(broker_namespace, retry_delays=(0.2, 0.4)).declare(connection)
    tap = EventTap(rabbitmq_url, broker_namespace)
    env = {
        **os.environ,
        "PRODUCER_DATABASE_URL": urls["producer"],
        "CONSUMER_DATABASE_URL": urls["consumer"],
        "BROKER_URL": rabbitmq_url,
        "BROKER_NAMESPACE": broker_namespace,
    }
    yield {"producer": producer, "consumer": consumer, "tap": tap, "env": env}
    tap.close()
    producer.db.dispose()
    consumer.db.dispose()


def run_process(mode: str, env: dict, timeout: float = 60) -> int:
    return subprocess.run(
        [sys.executable, "-m", "shared.tests.backbone_app", mode], env=env, timeout=timeout
    ).returncode


class ConsumerThread:
    """The consumer of the stack in a thread, recording each handling outcome."""

    def __init__(self, runtime, handle=None) -> None:
        self.stop = threading.Event()
        self.outcomes: list[bool] = []

        self.batches: list[int] = []

        def _handle(event):
            outcome = app.handle_once(runtime, app.HANDLERS, event)
            self.outcomes.append(outcome)
            return outcome

        def _handle_batch(events):
            outcomes = app.handle_many(runtime, app.HANDLERS, events)
            self.outcomes.extend(outcomes)
            self.batches.append(len(events))
            return outcomes

        # A test's own handler sees every event alone; otherwise batches, as in production.
        self.consumer = app.make_consumer(
            runtime, self.stop, handle or _handle, None if handle else _handle_batch
        )
        self.thread = threading.Thread(target=self.consumer.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(15)


def unsent(runtime) -> int:
    outbox = runtime.tables.outbox
    with runtime.db.session() as session:
        return session.execute(
            select(func.count()).where(outbox.c.published_at.is_(None))
        ).scalar_one()


def test_round_trip_to_a_consumer_in_another_process(stack):
    children = [f"child-{i}" for i in range(10)]
    events = [app.change_state(stack["producer"], c) for c in children]
    assert run_process("relay", stack["env"]) == 0
    consumer = subprocess.Popen(
        [sys.executable, "-m", "shared.tests.backbone_app", "consume"], env=stack["env"]
    )
    try:
        effects = wait_for(
            lambda: (e := app.effects_by_child(stack["consumer"])) and len(e) == 10 and e,
            timeout=30,
            message="10 effects",
        )
    finally:
        consumer.terminate()
        consumer.wait(10)
    assert effects == {c: 1 for c in children}
    seen = wait_for(lambda: len(stack["tap"].events) >= 10 and stack["tap"].events, message="tap")
    first = next(e for e in seen if e["id"] == events[0].id)
    assert first["correlation_id"] == "child-0" and first["producer"] == "intake"
    assert first["type"] == app.EVENT_TYPE and first["version"] == 1


def test_relay_dies_after_the_confirm_before_marking_sent(stack):
    children = [f"c{i}" for i in range(5)]
    for c in children:
        app.change_state(stack["producer"], c)
    assert run_process("crash-after-confirm", stack["env"]) == 17
    wait_for(lambda: len(stack["tap"].events) == 5, message="the first, confirmed publish")
    assert unsent(stack["producer"]) == 5  # the crash came before the rows were marked
    assert run_process("relay", stack["env"]) == 0
    assert unsent(stack["producer"]) == 0
    wait_for(lambda: len(stack["tap"].events) == 10, message="the re-publish")
    consumer = ConsumerThread(stack["consumer"])
    try:
        wait_for(lambda: len(consumer.outcomes) == 10, timeout=20, message="10 deliveries")
    finally:
        consumer.close()
    assert app.effects_by_child(stack["consumer"]) == {c: 1 for c in children}
    assert consumer.outcomes.count(False) == 5  # each duplicate seen and skipped
    print("\ncrash after confirm: published 10 (5 twice), handled 5, duplicates skipped 5, lost 0")


def test_consumer_dies_after_its_commit_before_its_ack(stack):
    app.change_state(stack["producer"], "after-commit")
    app.make_relay(stack["producer"]).relay_once()
    assert run_process("crash-after-commit", stack["env"]) == 17
    assert app.effects_by_child(stack["consumer"]) == {"after-commit": 1}
    consumer = ConsumerThread(stack["consumer"])
    try:
        wait_for(lambda: consumer.outcomes, timeout=20, message="the redelivery")
    finally:
        consumer.close()
    assert consumer.outcomes == [False]
    assert app.effects_by_child(stack["consumer"]) == {"after-commit": 1}


def test_consumer_dies_before_its_commit(stack):
    app.change_state(stack["producer"], "before-commit")
    app.make_relay(stack["producer"]).relay_once()
    assert run_process("crash-before-commit", stack["env"]) == 17
    assert app.effects_by_child(stack["consumer"]) == {}
    consumer = ConsumerThread(stack["consumer"])
    try:
        wait_for(lambda: consumer.outcomes, timeout=20, message="the redelivery")
    finally:
        consumer.close()
    assert consumer.outcomes == [True]
    assert app.effects_by_child(stack["consumer"]) == {"before-commit": 1}


def test_a_rolled_back_transaction_publishes_nothing(stack):
    producer = stack["producer"]
    with pytest.raises(RuntimeError), producer.unit_of_work() as uow:
        uow.emit(app.EVENT_TYPE, {"child_id": "rolled-back"}, correlation_id="rolled-back")
        raise RuntimeError("the state change failed")
    assert app.make_relay(producer).relay_once() == 0
    app.change_state(producer, "committed")
    assert app.make_relay(producer).relay_once() == 1
    wait_for(lambda: stack["tap"].events, message="the committed event")
    assert [e["payload"]["child_id"] for e in stack["tap"].events] == ["committed"]


def _raw_publish(
    broker_url: str, exchange: str, routing_key: str, body: str, message_id: str
) -> None:
    with Connection(broker_url) as connection:
        Producer(connection.channel()).publish(
            body, exchange=exchange, routing_key=routing_key, content_type="application/json",
            content_encoding="utf-8", message_id=message_id, serializer=None, delivery_mode=2,
        )  # fmt: skip


def _dead_letters(env: dict) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "shared.deadletters", "list", "notifications"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def test_poison_messages_are_dead_lettered_and_replay_delivers_a_fixed_one(
    stack, rabbitmq_url, monkeypatch
):
    names = Names(stack["env"]["BROKER_NAMESPACE"])
    env = {**stack["env"], "RETRY_DELAYS": "0.2,0.4"}
    consumer = ConsumerThread(stack["consumer"])
    try:
        app.change_state(stack["producer"], "good-1")
        _raw_publish(rabbitmq_url, names.events, "child.registered", "{not json", "malformed-1")
        unknown = {"id": str(uuid.uuid4()), "type": "child.teleported", "version": 1,
                   "occurred_at": "2026-11-25T10:00:00+00:00", "producer": "x",
                   "correlation_id": "c", "causation_id": None, "payload": {}}  # fmt: skip
        _raw_publish(rabbitmq_url, names.requeue_exchange, names.queue("notifications"),
                     json.dumps(unknown), unknown["id"])  # fmt: skip
        poison = app.change_state(stack["producer"], "poison-1")
        app.change_state(stack["producer"], "good-2")
        relay = app.make_relay(stack["producer"])
        while relay.relay_once():
            pass
        wait_for(lambda: len(_dead_letters(env)) == 3, timeout=30, message="3 dead letters")
        effects = app.effects_by_child(stack["consumer"])
        assert effects == {"good-1": 1, "good-2": 1}
        dead = {d["id"]: d for d in _dead_letters(env)}
        assert set(dead) == {"malformed-1", unknown["id"], poison.id}
        assert "not JSON" in dead["malformed-1"]["reason"]
        assert "unknown event type" in dead[unknown["id"]]["reason"]
        assert (
            dead[poison.id]["attempts"] == 3 and "breaks the handler" in dead[poison.id]["reason"]
        )
        for personal in ("Фарзона", "Раҳимова", "Гулнора", "123 4567"):
            assert personal not in dead[poison.id]["reason"]

        monkeypatch.setenv("POISON_FIXED", "1")  # the handler's bug is fixed
        replay = subprocess.run(
            [sys.executable, "-m", "shared.deadletters", "replay", "notifications", "--id",
             poison.id],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert json.loads(replay.stdout.strip().splitlines()[-1]) == {"replayed": 1}
        wait_for(lambda: app.effects_by_child(stack["consumer"]).get("poison-1") == 1, timeout=20,
                 message="the replayed event handled")  # fmt: skip
        assert len(_dead_letters(env)) == 2
    finally:
        consumer.close()


def test_a_backlog_is_handled_in_batches_and_a_bad_event_spares_its_neighbours(stack):
    producer = stack["producer"]
    children = [f"b{i}" for i in range(300)]
    for child in children[:150]:
        app.change_state(producer, child)
    poison = app.change_state(producer, "poison-in-a-batch")
    for child in children[150:]:
        app.change_state(producer, child)
    relay = app.make_relay(producer)
    while relay.relay_once():
        pass  # the whole backlog waits in the queue before the consumer starts
    consumer = ConsumerThread(stack["consumer"])
    try:
        effects = wait_for(
            lambda: (e := app.effects_by_child(stack["consumer"])) and len(e) == 300 and e,
            timeout=60,
            message="300 effects",
        )
        dead = wait_for(
            lambda: _dead_letters({**stack["env"], "RETRY_DELAYS": "0.2,0.4"}),
            timeout=30,
            message="the poison dead-lettered",
        )
    finally:
        consumer.close()
    assert effects == {c: 1 for c in children}
    assert [d["id"] for d in dead] == [poison.id]
    assert max(consumer.batches) > 1, consumer.batches  # they were gathered, not one by one
    with stack["consumer"].db.session() as session:
        handled = session.execute(
            select(func.count()).select_from(stack["consumer"].tables.processed)
        ).scalar_one()
    assert handled == 300  # the poison's failed batch kept nothing; each neighbour once
    print(f"\nbatches: {len(consumer.batches)} for 300 events, largest {max(consumer.batches)}")


def test_two_relays_on_one_outbox_publish_every_row_once(stack):
    producer = stack["producer"]
    with producer.unit_of_work() as uow:
        for i in range(5000):
            uow.emit(app.EVENT_TYPE, {"child_id": f"r{i}"}, correlation_id=f"r{i}")
    relays = [app.make_relay(producer), app.make_relay(producer)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=r.run, args=(stop, threading.Event(), 0.02), daemon=True)
        for r in relays
    ]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: unsent(producer) == 0, timeout=120, message="outbox drained")
        wait_for(lambda: len(stack["tap"].events) >= 5000, timeout=60, message="5000 events")
    finally:
        stop.set()
        for t in threads:
            t.join(15)
    ids = [e["id"] for e in stack["tap"].events]
    assert len(ids) == 5000 and len(set(ids)) == 5000
    assert all(r.published > 0 for r in relays), [r.published for r in relays]
    print(f"\ntwo relays: {relays[0].published} + {relays[1].published} published, "
          f"{len(ids)} received, {len(set(ids))} distinct")  # fmt: skip


@pytest.mark.faults
@pytest.mark.alone
def test_broker_down_state_changes_commit_and_every_event_arrives_once(stack, rabbitmq_url):
    from shared.testing.servers import can_control_rabbitmq, start_rabbitmq, stop_rabbitmq

    if not can_control_rabbitmq():
        pytest.fail("rabbitmqctl is needed to stop and start the broker")
    producer = stack["producer"]
    stop = threading.Event()
    relay = app.make_relay(producer)
    relay_thread = threading.Thread(
        target=relay.run, args=(stop, threading.Event(), 0.05), daemon=True
    )
    consumer = ConsumerThread(stack["consumer"])
    children = [f"down-{i}" for i in range(1000)]
    stop_rabbitmq()
    try:
        relay_thread.start()
        for child in children:  # the API's transactions never wait on the broker
            app.change_state(producer, child)
        assert unsent(producer) == 1000
    finally:
        start_rabbitmq(rabbitmq_url)
    try:
        wait_for(lambda: unsent(producer) == 0, timeout=90, message="outbox drained")
        effects = wait_for(
            lambda: (e := app.effects_by_child(stack["consumer"])) and len(e) == 1000 and e,
            timeout=90,
            message="1000 effects",
        )
    finally:
        stop.set()
        relay_thread.join(15)
        consumer.close()
    duplicates = sum(count - 1 for count in effects.values())
    lost = len(set(children) - set(effects))
    assert (lost, duplicates) == (0, 0)
    print(
        f"\nbroker down: committed 1000, delivered {len(effects)}, lost {lost}, "
        f"handled twice {duplicates}"
    )
