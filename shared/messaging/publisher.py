"""Publishing events: persistent, JSON only, confirmed by the broker in batches."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kombu import Connection, Exchange, Producer

from shared.messaging.connection import connect, ensure_connected, is_server

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_SECONDS = 10.0


class PublishError(RuntimeError):
    """The broker did not confirm some messages (down, nacked, unroutable or timed out)."""


@dataclass
class Outgoing:
    """One message to publish: body, where to, and its AMQP properties."""

    body: str
    exchange: Exchange
    routing_key: str
    message_id: str
    mandatory: bool = False
    headers: dict[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None


class _Confirms:
    """Tracks publisher confirms and returns on one py-amqp channel."""

    def __init__(self) -> None:
        self.next_tag = 0
        self.pending: dict[int, str] = {}
        self.failed: dict[str, str] = {}

    def on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, None)

    def on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple, "nacked by the broker")

    def on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        message_id = message.properties.get("message_id", "")
        self.failed[message_id] = f"unroutable: {exchange}/{routing_key} ({exc})"

    def _settle(self, tag: int, multiple: bool, error: str | None) -> None:
        tags = [t for t in self.pending if t <= tag] if multiple else [tag]
        for t in tags:
            message_id = self.pending.pop(t, None)
            if message_id is not None and error:
                self.failed[message_id] = error


class Publisher:
    """Publishes batches of messages and reports which ones the broker has taken."""

    def __init__(
        self,
        broker_url: str,
        confirm_timeout: float = CONFIRM_TIMEOUT_SECONDS,
        topology: Any = None,
    ) -> None:
        self.broker_url = broker_url
        self.topology = topology
        self.confirm_timeout = confirm_timeout
        self.server = is_server(broker_url)
        self._connection: Connection | None = None
        self._channel: Any = None
        self._confirms = _Confirms()

    def _ensure_channel(self) -> Any:
        if self._channel is not None:
            return self._channel
        self._connection = connect(self.broker_url)
        ensure_connected(self._connection)
        if self.topology is not None:
            self.topology.declare(self._connection)
        channel = self._connection.channel()
        if self.server:
            channel.confirm_select()
            self._confirms = _Confirms()
            channel.events["basic_ack"].add(self._confirms.on_ack)
            channel.events["basic_nack"].add(self._confirms.on_nack)
            channel.events["basic_return"].add(self._confirms.on_return)
        self._channel = channel
        return channel

    def publish(self, messages: Sequence[Outgoing]) -> list[str]:
        """Publish messages; return the ids the broker confirmed (all or raise PublishError)."""
        return self.start(messages)()

    def start(self, messages: Sequence[Outgoing]) -> Callable[[], list[str]]:
        """Send messages without waiting for the broker; return what waits for its confirms.

        The returned function waits, then returns the ids the broker confirmed (or raises
        PublishError), as `publish` does. Until it is called, the caller may do other work
        (the outbox relay marks its previous batch meanwhile); nothing else may publish on
        this publisher in between.
        """
        if not messages:
            return list
        with self._dropped_on_failure():
            channel = self._ensure_channel()
            producer = Producer(channel)
            for message in messages:
                self._send(producer, message)
        return lambda: self._confirmed(messages)

    @contextlib.contextmanager
    def _dropped_on_failure(self) -> Iterator[None]:
        """Drop the connection on any failure, raised as a PublishError."""
        try:
            yield
        except PublishError:
            self.close()
            raise
        except Exception as exc:  # connection and channel errors of any transport
            self.close()
            raise PublishError(f"publish failed: {exc!r}") from exc

    def _confirmed(self, messages: Sequence[Outgoing]) -> list[str]:
        if self.server:
            with self._dropped_on_failure():
                self._wait_for_confirms()
        failed = dict(self._confirms.failed)
        self._confirms.failed.clear()
        if failed:
            log.error("broker refused messages", extra={"fields": {"refused": failed}})
        return [m.message_id for m in messages if m.message_id not in failed]

    def _send(self, producer: Producer, message: Outgoing) -> None:
        if self.server:
            self._confirms.next_tag += 1
            self._confirms.pending[self._confirms.next_tag] = message.message_id
        producer.publish(
            message.body,
            exchange=message.exchange,
            routing_key=message.routing_key,
            serializer=None,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            headers=message.headers,
            mandatory=message.mandatory and self.server,
            retry=False,
            declare=[],
        )

    def _wait_for_confirms(self) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        assert self._connection is not None
        while self._confirms.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishError(f"{len(self._confirms.pending)} messages not confirmed in time")
            try:
                self._connection.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue

    def heartbeat(self) -> None:
        """Keep an idle connection alive (call now and then between batches)."""
        if self._connection is not None and self.server:
            try:
                self._connection.heartbeat_check()
            except Exception:
                self.close()

    def close(self) -> None:
        """Drop the connection; the next publish reconnects."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = None
        self._channel = None
        self._confirms = _Confirms()
