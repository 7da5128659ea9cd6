"""A relay on PostgreSQL is woken by the commit of any process, not by polling."""

from __future__ import annotations

import threading

import pytest
from kombu import Connection
from sqlalchemy import create_engine, text

from shared.messaging.topology import topology_for
from shared.outbox_notices import OutboxNotices
from shared.testing import wait_for
from shared.tests import backbone_app as app

pytestmark = pytest.mark.integration

# Far longer than any wait below: an event published sooner was announced, not found by a look.
SAFETY_POLL = 120.0


class Wake(threading.Event):
    """The relay's wake-up, telling whether the relay is in its long wait right now."""

    def __init__(self) -> None:
        super().__init__()
        self.in_long_wait = False

    def wait(self, timeout: float | None = None) -> bool:
        self.in_long_wait = timeout == SAFETY_POLL
        try:
            return super().wait(timeout)
        finally:
            self.in_long_wait = False


def unsent(runtime) -> int:
    with runtime.db.engine.connect() as connection:
        query = text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        return connection.execute(query).scalar_one()


def listener_connections(postgres_url: str, database: str, terminate: bool = False) -> int:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    select = "pg_terminate_backend(pid)" if terminate else "pid"
    with admin.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT {select} FROM pg_stat_activity WHERE datname = :d AND query LIKE 'LISTEN%'"
            ),
            {"d": database},
        ).all()
    admin.dispose()
    return len(rows)


@pytest.fixture
def relaying(make_database, rabbitmq_url, broker_namespace):
    """A producer's relay that waits SAFETY_POLL between looks unless a notice wakes it, and,
    as the API process, another engine and session factory on the same database."""
    url = make_database("notices")
    relay_side = app.producer_runtime(url, rabbitmq_url, broker_namespace)
    with Connection(rabbitmq_url) as connection:
        topology_for(relay_side.settings).declare(connection)
    stop, wake = threading.Event(), Wake()
    notices = OutboxNotices(url, wake, stop, wait_seconds=0.2)
    relay = app.make_relay(relay_side)

    def poll() -> float:  # as the worker chooses it (shared/worker.py)
        return SAFETY_POLL if notices.listening else 0.05

    threads = [
        threading.Thread(target=notices.run, daemon=True),
        threading.Thread(target=relay.run, args=(stop, wake, poll), daemon=True),
    ]
    for thread in threads:
        thread.start()
    writer = app.producer_runtime(url, rabbitmq_url, broker_namespace)
    try:
        yield writer, wake, notices, url
    finally:
        stop.set()
        wake.set()
        for thread in threads:
            thread.join(10)
        relay_side.db.dispose()
        writer.db.dispose()


def test_an_event_committed_by_another_process_wakes_the_relay(relaying):
    writer, wake, _, _ = relaying
    for n in range(3):
        wait_for(lambda: wake.in_long_wait, timeout=10, message="the relay waiting for a notice")
        app.change_state(writer, f"announced-{n}")
        wait_for(lambda: unsent(writer) == 0, timeout=10, message="the event published")


def test_when_its_connection_is_cut_the_listener_comes_back_and_no_event_waits(
    relaying, postgres_url
):
    writer, wake, notices, url = relaying
    database = url.rsplit("/", 1)[1]
    wait_for(lambda: wake.in_long_wait, timeout=10, message="the relay waiting for a notice")
    assert listener_connections(postgres_url, database, terminate=True) == 1
    # Committed while the listener may be reconnecting: the relay polls meanwhile and looks
    # again when the listener is back, so the event does not wait for the safety poll.
    app.change_state(writer, "while-cut")
    wait_for(lambda: unsent(writer) == 0, timeout=10, message="the event published")
    wait_for(lambda: listener_connections(postgres_url, database) == 1, timeout=10,
             message="the listener back")  # fmt: skip
    wait_for(lambda: notices.listening and wake.in_long_wait, timeout=10, message="waiting again")
    app.change_state(writer, "after-cut")
    wait_for(lambda: unsent(writer) == 0, timeout=10, message="the next event published")
