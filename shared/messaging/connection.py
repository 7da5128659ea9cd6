"""Opening broker connections from settings: RabbitMQ, or kombu's server-less transport."""

from __future__ import annotations

import os

from kombu import Connection

HEARTBEAT_SECONDS = 30


def connect(broker_url: str) -> Connection:
    """A new (lazy) kombu connection for a broker URL."""
    if broker_url.startswith("filesystem://"):
        folder = broker_url[len("filesystem://") :] or "var/broker"
        os.makedirs(folder, exist_ok=True)
        from shared.messaging.embedded import Transport

        return Connection(
            "filesystem://",
            transport=Transport,
            transport_options={
                "data_folder_in": folder,
                "data_folder_out": folder,
                "control_folder": os.path.join(folder, "control"),
                "polling_interval": 0.05,
            },
        )
    if broker_url.startswith(("amqp", "pyamqp")):
        return Connection(
            broker_url,
            heartbeat=HEARTBEAT_SECONDS,
            connect_timeout=5,
            transport_options={"confirm_publish": False, "read_timeout": 5, "write_timeout": 5},
        )
    return Connection(broker_url, transport_options={"polling_interval": 0.05})


def ensure_connected(connection: Connection, timeout: float | None = None) -> Connection:
    """Connect, trying each node of a failover URL (`amqp://a;amqp://b;…`) before giving up.

    kombu moves to the next node after each failed attempt; one attempt per node (two for a
    single node, as before) means a stopped node, or all but one, never stalls a reconnect.
    """
    nodes = len(connection.alt or ()) if hasattr(connection, "alt") else 0
    connection.ensure_connection(max_retries=max(1, nodes - 1), timeout=timeout)
    return connection


def is_server(broker_url: str) -> bool:
    """True when the URL names a real AMQP server (confirms, TTLs, quorum queues)."""
    return broker_url.startswith(("amqp", "pyamqp"))
