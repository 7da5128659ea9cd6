"""A broker user limited to its own queues still declares its topology (deploy/rabbitmq)."""

from __future__ import annotations

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Queue

from shared.messaging.topology import Topology


def test_other_services_queues_refused_to_this_user_are_skipped(monkeypatch):
    declared, channels = [], []
    real_declare = Queue.declare

    def declare(queue, *args, **kwargs):
        channels.append(queue.channel)
        if not queue.name.startswith("assessment."):
            raise AccessRefused("ACCESS_REFUSED", reply_code=403)
        declared.append(queue.name)
        return real_declare(queue, *args, **kwargs)

    monkeypatch.setattr(Queue, "declare", declare)
    with Connection("memory://") as connection:
        Topology(server=False).declare(connection)
    assert set(declared) == {"assessment.events", "assessment.events.dead"}
    # After a refusal the broker has closed that channel: later queues use a fresh one.
    assert len({id(channel) for channel in channels}) > 1


def test_any_other_error_still_stops_the_declaration(monkeypatch):
    def declare(queue, *args, **kwargs):
        raise RuntimeError("arguments differ")

    monkeypatch.setattr(Queue, "declare", declare)
    with Connection("memory://") as connection, pytest.raises(RuntimeError):
        Topology(server=False).declare(connection)
