"""The broker topology in one place: exchanges, queues, retry queues, dead letters, bindings."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue

from shared.events import EXCHANGE
from shared.subscriptions import SUBSCRIPTIONS


@dataclass(frozen=True)
class Names:
    """Exchange and queue names, optionally prefixed to isolate test runs on one broker."""

    namespace: str = ""

    def _n(self, name: str) -> str:
        return f"{self.namespace}.{name}" if self.namespace else name

    @property
    def events(self) -> str:
        return self._n(EXCHANGE)

    @property
    def dead_exchange(self) -> str:
        return self._n(EXCHANGE + ".dead")

    @property
    def retry_exchange(self) -> str:
        return self._n(EXCHANGE + ".retry")

    @property
    def requeue_exchange(self) -> str:
        return self._n(EXCHANGE + ".requeue")

    def queue(self, service: str) -> str:
        return self._n(f"{service}.events")

    def dead_queue(self, service: str) -> str:
        return self.queue(service) + ".dead"

    def retry_queue(self, service: str, attempt: int) -> str:
        return f"{self.queue(service)}.retry.{attempt}"


class Topology:
    """Builds the kombu entities of the whole platform for one broker."""

    def __init__(
        self,
        namespace: str = "",
        retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0),
        queue_type: str = "quorum",
        server: bool = True,
    ) -> None:
        self.names = Names(namespace)
        self.retry_delays = retry_delays
        # Quorum queues, TTLs and dead-letter arguments exist only on a real RabbitMQ.
        self.server = server
        self.queue_type = queue_type if server else "classic"
        self.events = Exchange(self.names.events, "topic", durable=True)
        self.dead = Exchange(self.names.dead_exchange, "direct", durable=True)
        self.retry = Exchange(self.names.retry_exchange, "direct", durable=True)
        self.requeue = Exchange(self.names.requeue_exchange, "direct", durable=True)

    def _args(self, **extra: object) -> dict[str, object]:
        args: dict[str, object] = {}
        if self.server:
            args["x-queue-type"] = self.queue_type
            args.update(extra)
        return args

    def main_queue(self, service: str) -> Queue:
        """The service's durable queue, bound to exactly the types it consumes."""
        name = self.names.queue(service)
        extra = {"x-dead-letter-exchange": self.dead.name, "x-dead-letter-routing-key": name}
        if self.queue_type == "quorum":
            extra["x-delivery-limit"] = 20  # a message that crashes the worker every time
        bindings = [{"exchange": self.events, "routing_key": t} for t in SUBSCRIPTIONS[service]] + [
            {"exchange": self.requeue, "routing_key": name}
        ]
        return Queue(
            name,
            bindings=[_binding(b) for b in bindings],
            durable=True,
            queue_arguments=self._args(**extra),
        )

    def dead_queue(self, service: str) -> Queue:
        """Where a service's poison messages wait for an operator."""
        name = self.names.dead_queue(service)
        return Queue(
            name,
            exchange=self.dead,
            routing_key=self.names.queue(service),
            durable=True,
            queue_arguments=self._args(),
        )

    def retry_queues(self, service: str) -> list[Queue]:
        """Delay queues: a message waits its TTL, then goes back to the main queue."""
        queues = []
        for attempt, delay in enumerate(self.retry_delays, start=1):
            name = self.names.retry_queue(service, attempt)
            args: dict[str, object] = {}
            if self.server:
                args = {
                    "x-queue-type": self.queue_type,
                    "x-message-ttl": int(delay * 1000),
                    "x-dead-letter-exchange": self.requeue.name,
                    "x-dead-letter-routing-key": self.names.queue(service),
                }
                if self.queue_type == "quorum":
                    # Replicated like the main queue: a classic one lives on one node of a
                    # cluster, and while that node is down nobody can declare it and what is
                    # published to it is dropped. Expired messages move on at least once.
                    args["x-dead-letter-strategy"] = "at-least-once"
                    args["x-overflow"] = "reject-publish"
            queues.append(
                Queue(
                    name, exchange=self.retry, routing_key=name, durable=True, queue_arguments=args
                )
            )
        return queues

    def consuming_services(self) -> list[str]:
        """Services that have a queue (those that consume at least one event type)."""
        return [s for s, types in SUBSCRIPTIONS.items() if types]

    def all_queues(self) -> list[Queue]:
        """Every queue of the platform."""
        queues: list[Queue] = []
        for service in self.consuming_services():
            queues += [self.main_queue(service), self.dead_queue(service)]
            if self.server:
                queues += self.retry_queues(service)
        return queues

    def declare(self, connection: Connection) -> None:
        """Declare everything, idempotently (every process does this at start).

        A broker user limited to its own queues (deploy/rabbitmq) is refused the other
        services' queues: the definitions file creates them when the broker boots, so the
        refusal is skipped, on a fresh channel (the broker closes the refused one).
        """
        channel = connection.default_channel
        for exchange in (self.events, self.dead, self.retry, self.requeue):
            exchange(channel).declare()
        extra = None
        for queue in self.all_queues():
            try:
                queue(extra or channel).declare()
            except AccessRefused:
                extra = connection.channel()
        if extra is not None:
            with contextlib.suppress(Exception):
                extra.close()


def _binding(spec: dict[str, object]):
    from kombu import binding

    return binding(spec["exchange"], routing_key=spec["routing_key"])


def topology_for(settings) -> Topology:
    """The topology that matches a service's settings."""
    return Topology(
        namespace=settings.broker_namespace,
        retry_delays=settings.retry_delays,
        queue_type=settings.queue_type,
        server=not settings.embedded_broker,
    )
