"""A broker URL naming several nodes reaches whichever one answers, wherever it is listed."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from shared.messaging.connection import connect, ensure_connected
from shared.testing import unique
from shared.testing.ports import free_port  # a port nothing listens on: a stopped node

pytestmark = pytest.mark.integration


def test_a_failover_url_skips_every_node_that_is_down(rabbitmq_url):
    down = [f"amqp://guest:guest@127.0.0.1:{free_port()}//" for _ in range(2)]
    connection = ensure_connected(connect(";".join([*down, rabbitmq_url])))
    try:
        channel = connection.channel()
        name = unique("failover")
        channel.queue_declare(name, exclusive=True, auto_delete=True)
        assert connection.connected
    finally:
        connection.release()


def test_a_failover_url_whose_nodes_are_all_down_fails_without_waiting_forever():
    down = ";".join(f"amqp://guest:guest@127.0.0.1:{free_port()}//" for _ in range(3))
    with pytest.raises(OperationalError):
        ensure_connected(connect(down))
