"""A consumer whose database is down holds its events: nothing acked, retried or dead-lettered."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from kombu import Connection
from sqlalchemy import create_engine, text

from shared.handling import handle_many, handle_once
from shared.messaging.consumer import EventConsumer
from shared.messaging.topology import Names, Topology, topology_for
from shared.testing import wait_for
from shared.tests import backbone_app as app
from shared.worker import database_answers

pytestmark = pytest.mark.integration

EVENTS = 40
PREFETCH = 10


@contextlib.contextmanager
def database_refusing(postgres_url: str, database_url: str) -> Iterator[None]:
    """Make one database refuse connections and drop the open ones, until the block ends."""
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def waiting_in_queue(broker_url: str, namespace: str) -> int:
    """Messages ready in the consumer's queue (not handed to any consumer)."""
    with Connection(broker_url) as connection:
        name = Names(namespace).queue(app.CONSUMER)
        return connection.channel().queue_declare(name, passive=True).message_count


def test_a_database_outage_holds_events_and_nothing_is_retried_or_dead_lettered(
    make_database, postgres_url, rabbitmq_url, broker_namespace
):
    producer = app.producer_runtime(make_database("prod"), rabbitmq_url, broker_namespace)
    consumer_url = make_database("cons")
    runtime = app.consumer_runtime(consumer_url, rabbitmq_url, broker_namespace)
    with Connection(rabbitmq_url) as connection:
        Topology(broker_namespace, retry_delays=(0.2, 0.4)).declare(connection)
    stop = threading.Event()
    consumer = EventConsumer(
        app.CONSUMER, rabbitmq_url, topology_for(runtime.settings),
        lambda event: handle_once(runtime, app.HANDLERS, event), stop, prefetch=PREFETCH,
        handle_batch=lambda events: handle_many(runtime, app.HANDLERS, events),
        batch_size=PREFETCH, database_answers=lambda: database_answers(runtime),
    )  # fmt: skip
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    relay = app.make_relay(producer)
    try:
        with database_refusing(postgres_url, consumer_url):
            for n in range(EVENTS):
                app.change_state(producer, f"held-{n}")
            while relay.relay_once():
                pass
            wait_for(lambda: consumer.held_for_database, timeout=30, message="events held")
            # It stopped taking messages: all but the prefetch stay ready in the queue.
            wait_for(lambda: waiting_in_queue(rabbitmq_url, broker_namespace) >= EVENTS - PREFETCH,
                     timeout=10, message="the rest left in the queue")  # fmt: skip
            assert (consumer.handled, consumer.retried, consumer.dead_lettered) == (0, 0, 0)
        effects = wait_for(
            lambda: (e := app.effects_by_child(runtime)) and len(e) == EVENTS and e,
            timeout=60,
            message="every held event handled once the database answers",
        )
    finally:
        stop.set()
        thread.join(15)
        producer.db.dispose()
        runtime.db.dispose()
    assert effects == {f"held-{n}": 1 for n in range(EVENTS)}
    assert (consumer.retried, consumer.dead_lettered) == (0, 0)
    assert waiting_in_queue(rabbitmq_url, broker_namespace) == 0
