"""Print the broker topology as a RabbitMQ definitions file (for deploy/rabbitmq)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from shared.messaging.topology import Topology


def definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    """The topology as RabbitMQ's definitions JSON (exchanges, queues, bindings)."""
    exchanges = [
        {"name": e.name, "vhost": vhost, "type": e.type, "durable": True, "auto_delete": False,
         "internal": False, "arguments": {}}
        for e in (topology.events, topology.dead, topology.retry, topology.requeue)
    ]  # fmt: skip
    queues, bindings = [], []
    for queue in topology.all_queues():
        queues.append(
            {"name": queue.name, "vhost": vhost, "durable": True, "auto_delete": False,
             "arguments": dict(queue.queue_arguments or {})}
        )  # fmt: skip
        targets = [(b.exchange.name, b.routing_key) for b in queue.bindings]
        if queue.exchange is not None and queue.exchange.name:
            targets.append((queue.exchange.name, queue.routing_key))
        for exchange, key in targets:
            bindings.append(
                {"source": exchange, "vhost": vhost, "destination": queue.name,
                 "destination_type": "queue", "routing_key": key, "arguments": {}}
            )  # fmt: skip
    bindings.sort(key=lambda b: (b["destination"], b["source"], b["routing_key"]))
    queues.sort(key=lambda q: q["name"])
    return {"exchanges": exchanges, "queues": queues, "bindings": bindings}


def main(argv: list[str] | None = None) -> int:
    """Write the definitions JSON to stdout."""
    parser = argparse.ArgumentParser(prog="python -m shared.messaging.definitions")
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--users", action="store_true", help="add the guest user and permissions")
    args = parser.parse_args(argv)
    data = definitions(Topology(), args.vhost)
    if args.users:
        data = {
            "users": [{"name": "guest", "password": "guest", "tags": "administrator"}],
            "vhosts": [{"name": args.vhost}],
            "permissions": [{"user": "guest", "vhost": args.vhost, "configure": ".*",
                             "write": ".*", "read": ".*"}],
            **data,
        }  # fmt: skip
    json.dump(data, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
