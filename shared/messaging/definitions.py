"""Print the broker topology as a RabbitMQ definitions file (for deploy/rabbitmq)."""

from __future__ import annotations

import argparse
import json
import re
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


SERVICES = ("intake", "assessment", "referral", "notifications", "quality")


def password_placeholder(service: str) -> str:
    """What deploy/rabbitmq/entrypoint.sh replaces with the hash of the service's password."""
    return f"@{service.upper()}_BROKER_PASSWORD_HASH@"


def service_permissions(topology: Topology, service: str) -> dict[str, str]:
    """One service's rights: the platform's exchanges and its own queues, nothing else."""
    names = topology.names
    exchanges = "|".join(
        re.escape(n)
        for n in (names.events, names.dead_exchange, names.retry_exchange, names.requeue_exchange)
    )
    own = f"{re.escape(names.queue(service))}(\\..*)?"
    pattern = f"^({exchanges}|{own})$"
    return {"configure": pattern, "write": pattern, "read": pattern}


def users_and_permissions(topology: Topology, vhost: str) -> dict[str, Any]:
    """A broker user per service (no administrator, no guest), limited by service_permissions."""
    users = [
        {"name": s, "password_hash": password_placeholder(s),
         "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}
        for s in SERVICES
    ]  # fmt: skip
    permissions = [
        {"user": s, "vhost": vhost, **service_permissions(topology, s)} for s in SERVICES
    ]
    return {"users": users, "vhosts": [{"name": vhost}], "permissions": permissions}


def main(argv: list[str] | None = None) -> int:
    """Write the definitions JSON to stdout."""
    parser = argparse.ArgumentParser(prog="python -m shared.messaging.definitions")
    parser.add_argument("--vhost", default="/")
    parser.add_argument(
        "--users", action="store_true", help="add one user per service and its permissions"
    )
    args = parser.parse_args(argv)
    topology = Topology()
    data = definitions(topology, args.vhost)
    if args.users:
        data = {**users_and_permissions(topology, args.vhost), **data}
    json.dump(data, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
