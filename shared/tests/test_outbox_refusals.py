"""A real RabbitMQ refusing some events: the refused row fails, the rest go out, retry delivers.

The broker returns a routed event no queue is bound for (publisher confirms with `mandatory`);
here only referral's queue exists, so `referral.expired` (consumed by notifications alone) is
refused while the same child's later `child.consent_withdrawn` is delivered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from kombu import Connection
from sqlalchemy import select

from shared.messaging.publisher import Publisher
from shared.messaging.topology import Topology
from shared.outbox import OutboxRelay
from shared.testing import wait_for
from shared.tests import backbone_app as app

pytestmark = pytest.mark.integration


@pytest.fixture
def producer(make_database, rabbitmq_url, broker_namespace):
    runtime = app.producer_runtime(make_database("refusals"), rabbitmq_url, broker_namespace)
    topology = Topology(broker_namespace, retry_delays=(0.2, 0.4))
    with Connection(rabbitmq_url) as connection:
        channel = connection.default_channel
        for exchange in (topology.events, topology.dead, topology.retry, topology.requeue):
            exchange(channel).declare()
        topology.main_queue("referral")(channel).declare()
    yield runtime, topology
    runtime.db.dispose()


def states(runtime) -> dict[str, tuple]:
    t = runtime.tables.outbox
    with runtime.db.session() as session:
        query = select(t.c.event_type, t.c.refusals, t.c.published_at, t.c.failed_at)
        return {
            row.event_type: (row.refusals, row.published_at is not None, row.failed_at is not None)
            for row in session.execute(query)
        }


def test_a_refused_event_fails_without_holding_back_the_others_and_retry_delivers_it(
    producer, rabbitmq_url
):
    runtime, topology = producer
    child, referral = str(uuid.uuid4()), str(uuid.uuid4())
    with runtime.unit_of_work() as uow:  # the same child's events, the refused one first
        uow.emit("referral.expired", {"child_id": child, "referral_id": referral},
                 correlation_id=child)  # fmt: skip
        uow.emit(app.EVENT_TYPE, {"child_id": child}, correlation_id=child)
    # A publisher that declares nothing itself: the broker has only what the fixture declared.
    publisher = Publisher(rabbitmq_url)
    relay = OutboxRelay(
        runtime.db, runtime.tables.outbox, publisher, topology,
        max_refusals=3, retry_refused_after=0,
    )  # fmt: skip

    def failed() -> bool:
        relay.relay_once()
        return states(runtime)["referral.expired"][2]

    wait_for(failed, timeout=30, message="the refused row is marked failed")
    assert states(runtime) == {
        "referral.expired": (3, False, True),
        app.EVENT_TYPE: (0, True, False),
    }
    relay.relay_once()
    assert states(runtime)["referral.expired"][0] == 3  # no longer offered to the broker

    # The cause is fixed (notifications' queue exists now); the operator gives the row back.
    with Connection(rabbitmq_url) as connection:
        topology.main_queue("notifications")(connection.default_channel).declare()
    env = {**os.environ, "DATABASE_URL": str(runtime.db.url), "JWT_SECRET": "x" * 32}
    done = subprocess.run(
        [sys.executable, "-m", "shared.outbox", "retry", "intake", "--all"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"retried": 1' in done.stdout
    assert relay.relay_once() == 1
    assert states(runtime)["referral.expired"] == (0, True, False)
    publisher.close()
