"""Putting messages straight into a service's dead-letter queue, and reading what is there."""

from __future__ import annotations

from typing import Any

from kombu import Producer

from shared.deadletters import _dead_messages, _summary
from shared.messaging.connection import connect
from shared.messaging.topology import topology_for


def put_dead_letter(settings: Any, body: str, message_id: str, **properties: Any) -> None:
    """Park a message in the service's dead-letter queue, as the consumer would."""
    topology = topology_for(settings)
    with connect(settings.broker_url) as connection:
        topology.declare(connection)
        Producer(connection.channel()).publish(
            body,
            exchange=topology.names.dead_exchange,
            routing_key=topology.names.queue(settings.service),
            content_type="application/json",
            content_encoding="utf-8",
            message_id=message_id,
            serializer=None,
            delivery_mode=2,
            **properties,
        )


def dead_letter_ids(settings: Any) -> list[str]:
    """The ids of the service's dead letters (they stay where they are)."""
    with _dead_messages(settings, 1000) as (_connection, messages):
        return [_summary(m)["id"] for m in messages]
