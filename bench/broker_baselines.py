"""Raw kombu speed on this broker: publish with confirms (one by one, batched), consume."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from kombu import Connection, Consumer, Exchange, Producer, Queue

BODY_SIZE = 1000


def _body(index: int) -> str:
    """Return a JSON body of about 1 KB, shaped like an event envelope."""
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "bench.event",
        "version": 1,
        "producer": "bench",
        "correlation_id": str(uuid.uuid4()),
        "payload": {"n": index},
    }
    padding = BODY_SIZE - len(json.dumps(envelope)) - 12
    envelope["payload"]["pad"] = "x" * max(padding, 0)
    return json.dumps(envelope)


class _Target:
    """A durable topic exchange and one durable queue bound to it, in a namespace."""

    def __init__(self, connection: Connection, namespace: str, queue_type: str) -> None:
        self.exchange = Exchange(f"{namespace}.bench", "topic", durable=True)
        self.queue = Queue(
            f"{namespace}.bench.{queue_type}",
            self.exchange,
            routing_key="#",
            durable=True,
            queue_arguments={"x-queue-type": queue_type},
        )
        self.channel = connection.channel()
        self.exchange(self.channel).declare()
        self.queue(self.channel).declare()

    def depth(self) -> int:
        """Return the number of ready messages (passive declare)."""
        return self.queue(self.channel).queue_declare(passive=True).message_count

    def delete(self) -> None:
        """Remove the queue and exchange."""
        self.channel.queue_delete(self.queue.name)
        self.channel.exchange_delete(self.exchange.name)


def publish_one_by_one(url: str, namespace: str, count: int, queue_type: str = "classic") -> dict:
    """Publish with kombu's confirm_publish: wait for the broker's ack after every message."""
    bodies = [_body(i) for i in range(count)]
    with Connection(url, transport_options={"confirm_publish": True}) as connection:
        target = _Target(connection, namespace, queue_type)
        producer = Producer(connection.channel(), target.exchange)
        started = time.perf_counter()
        for body in bodies:
            producer.publish(
                body,
                routing_key="bench",
                delivery_mode=2,
                retry=False,
                content_type="application/json",
                content_encoding="utf-8",
            )
        seconds = time.perf_counter() - started
        target.delete()
    return _rate("publish, confirm after every message", count, seconds, queue_type)


def publish_batched(
    url: str, namespace: str, count: int, batch: int = 100, queue_type: str = "classic"
) -> dict:
    """Publish through kombu.Producer with confirms in batches on the py-amqp channel."""
    bodies = [_body(i) for i in range(count)]
    with Connection(url) as connection:
        target = _Target(connection, namespace, queue_type)
        channel = connection.channel()
        channel.confirm_select()
        acked = {"tag": 0}

        def on_ack(tag: int, multiple: bool) -> None:
            acked["tag"] = max(acked["tag"], tag)

        channel.events["basic_ack"].add(on_ack)
        producer = Producer(channel, target.exchange)
        started = time.perf_counter()
        for first in range(0, count, batch):
            for body in bodies[first : first + batch]:
                producer.publish(
                    body,
                    routing_key="bench",
                    delivery_mode=2,
                    retry=False,
                    content_type="application/json",
                    content_encoding="utf-8",
                )
            last = min(first + batch, count)
            while acked["tag"] < last:
                connection.drain_events(timeout=10)
        seconds = time.perf_counter() - started
        target.delete()
    return _rate(f"publish, confirms in batches of {batch}", count, seconds, queue_type)


def consume_with_acks(
    url: str, namespace: str, count: int, prefetch: int = 50, queue_type: str = "classic"
) -> dict:
    """Fill a queue, then consume it with manual acks at a prefetch and time the drain."""
    with Connection(url) as connection:
        target = _Target(connection, namespace, queue_type)
        producer = Producer(connection.channel(), target.exchange)
        for i in range(count):
            producer.publish(
                _body(i),
                routing_key="bench",
                delivery_mode=2,
                retry=False,
                content_type="application/json",
                content_encoding="utf-8",
            )
        _wait_depth(target, count)
        done = {"n": 0}

        def on_message(body: Any, message: Any) -> None:
            done["n"] += 1
            message.ack()

        channel = connection.channel()
        channel.basic_qos(0, prefetch, False)
        consumer = Consumer(channel, [target.queue], callbacks=[on_message], accept=["json"])
        started = time.perf_counter()
        with consumer:
            while done["n"] < count:
                connection.drain_events(timeout=10)
        seconds = time.perf_counter() - started
        target.delete()
    return _rate(f"consume, manual ack, prefetch {prefetch}", count, seconds, queue_type)


def _wait_depth(target: _Target, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while target.depth() < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"queue did not fill to {count} within {timeout:.0f} s")
        time.sleep(0.05)


def _rate(test: str, count: int, seconds: float, queue_type: str) -> dict:
    return {
        "test": test,
        "queue_type": queue_type,
        "messages": count,
        "seconds": round(seconds, 3),
        "rate_per_s": round(count / seconds, 1) if seconds else None,
    }
