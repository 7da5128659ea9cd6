"""A minimal producer and consumer built on the backbone, for tests (also run as a subprocess).

python -m shared.tests.backbone_app MODE, MODE one of relay, consume, crash-after-confirm,
crash-after-commit, crash-before-commit.
Configuration from the environment (PRODUCER_DATABASE_URL, CONSUMER_DATABASE_URL, BROKER_URL,
BROKER_NAMESPACE).
"""

from __future__ import annotations

import os
import sys
import threading

from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from shared.config import load_settings
from shared.events import Event
from shared.handling import handle_many, handle_once
from shared.messaging.consumer import EventConsumer
from shared.messaging.publisher import Publisher
from shared.messaging.topology import topology_for
from shared.outbox import OutboxRelay
from shared.runtime import Runtime, UnitOfWork, messaging_tables
from shared.subscriptions import SUBSCRIPTIONS

PRODUCER, CONSUMER = "intake", "notifications"
EVENT_TYPE = "child.consent_withdrawn"  # routed to every consuming service


def producer_runtime(database_url: str, broker_url: str, namespace: str) -> Runtime:
    metadata = MetaData()
    Table("things", metadata, Column("id", String(64), primary_key=True))
    env = {"DATABASE_URL": database_url, "BROKER_URL": broker_url, "BROKER_NAMESPACE": namespace,
           "JWT_SECRET": "x" * 32, "RETRY_DELAYS": "0.2,0.4"}  # fmt: skip
    runtime = Runtime(load_settings(PRODUCER, env), metadata, messaging_tables(metadata))
    runtime.create_all()
    return runtime


def consumer_runtime(database_url: str, broker_url: str, namespace: str) -> Runtime:
    metadata = MetaData()
    Table(
        "effects",
        metadata,
        Column("n", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),  # not unique: a duplicate would show
        Column("child_id", String(64), nullable=False),
    )
    env = {"DATABASE_URL": database_url, "BROKER_URL": broker_url, "BROKER_NAMESPACE": namespace,
           "JWT_SECRET": "x" * 32, "RETRY_DELAYS": "0.2,0.4"}  # fmt: skip
    runtime = Runtime(load_settings(CONSUMER, env), metadata, messaging_tables(metadata))
    runtime.create_all()
    return runtime


def change_state(runtime: Runtime, child_id: str) -> Event:
    """One state change and its event, in one transaction."""
    with runtime.unit_of_work() as uow:
        uow.session.execute(insert(runtime.metadata.tables["things"]).values(id=child_id))
        return uow.emit(EVENT_TYPE, {"child_id": child_id}, correlation_id=child_id)


def record_effect(uow: UnitOfWork, event: Event) -> None:
    """The consumer's effect: one row per handled event."""
    child_id = event.payload["child_id"]
    if child_id.startswith("poison") and not os.environ.get("POISON_FIXED"):
        # Quoting the child's data, as careless error text does: the consumer must scrub it.
        raise RuntimeError(
            "this child's data breaks the handler: Фарзона Раҳимова, +992 93 123 4567\n"
            "DETAIL:  Key (guardian_name)=(Гулнора) already exists."
        )
    effects = uow.runtime.metadata.tables["effects"]
    uow.session.execute(insert(effects).values(event_id=event.id, child_id=child_id))


HANDLERS = {t: record_effect for t in SUBSCRIPTIONS[CONSUMER]}


def effects_by_child(runtime: Runtime) -> dict[str, int]:
    effects = runtime.metadata.tables["effects"]
    with runtime.db.session() as session:
        rows = session.execute(
            select(effects.c.child_id, func.count()).group_by(effects.c.child_id)
        )
        return {child: count for child, count in rows}


def make_relay(runtime: Runtime) -> OutboxRelay:
    topology = topology_for(runtime.settings)
    publisher = Publisher(runtime.settings.broker_url, topology=topology)
    return OutboxRelay(runtime.db, runtime.tables.outbox, publisher, topology, batch_size=100)


def make_consumer(
    runtime: Runtime, stop: threading.Event, handle=None, handle_batch=None
) -> EventConsumer:
    """The production consumer: events that arrive together are handled in one transaction."""
    return EventConsumer(
        CONSUMER,
        runtime.settings.broker_url,
        topology_for(runtime.settings),
        handle or (lambda event: handle_once(runtime, HANDLERS, event)),
        stop,
        prefetch=10,
        handle_batch=handle_batch or (lambda events: handle_many(runtime, HANDLERS, events)),
        batch_size=10,
    )


def _crash(*_args: object) -> None:
    os._exit(17)


def main(mode: str) -> int:
    broker, namespace = os.environ["BROKER_URL"], os.environ["BROKER_NAMESPACE"]
    stop = threading.Event()
    if mode in ("relay", "crash-after-confirm"):
        runtime = producer_runtime(os.environ["PRODUCER_DATABASE_URL"], broker, namespace)
        relay = make_relay(runtime)
        if mode == "crash-after-confirm":
            relay.after_confirm = _crash
        while relay.relay_once():
            pass
        return 0
    runtime = consumer_runtime(os.environ["CONSUMER_DATABASE_URL"], broker, namespace)
    handle = None
    if mode == "crash-before-commit":

        def handle(event: Event) -> None:
            with runtime.unit_of_work(cause=event) as uow:
                record_effect(uow, event)
                uow.session.flush()
                _crash()

    consumer = make_consumer(runtime, stop, handle)
    if mode == "crash-after-commit":
        consumer.after_handle = _crash
    consumer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
