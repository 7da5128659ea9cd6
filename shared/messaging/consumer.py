"""Consuming a service's queue: JSON only, ack after commit, retries with back-off, dead letters."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kombu import Consumer
from kombu.message import Message

from shared.events import Event, InvalidEvent, parse_event
from shared.logging import describe_error, log_context, scrub_error_text
from shared.messaging.connection import connect, ensure_connected
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import Topology

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-attempts"
REASON_HEADER = "x-dead-reason"
# An idle consumer looks at its stop event this often, so a stop (SIGTERM, a rolling restart)
# never waits longer. Each look costs little, but a worker idles all day: tests that stop a
# worker after every test ask for a shorter wait (Worker(stop_within=...)).
IDLE_WAIT_SECONDS = 1.0


class EventConsumer:
    """Consumes one service's queue until stopped, recovering from broker restarts by itself."""

    def __init__(
        self,
        service: str,
        broker_url: str,
        topology: Topology,
        handle: Callable[[Event], Any],
        stop: threading.Event,
        prefetch: int = 50,
        handle_batch: Callable[[list[Event]], list[Any]] | None = None,
        batch_size: int = 1,
        database_answers: Callable[[], bool] | None = None,
        idle_wait: float = IDLE_WAIT_SECONDS,
    ) -> None:
        self.service = service
        self.idle_wait = idle_wait
        self.broker_url = broker_url
        self.topology = topology
        self.handle = handle
        self.stop = stop
        self.prefetch = prefetch
        # Events that arrived together are handled in one transaction when handle_batch is
        # given; never more than the broker lets this consumer hold unacknowledged.
        self.handle_batch = handle_batch
        self.batch_size = max(1, min(batch_size, prefetch))
        self._batch: list[tuple[Message, Event, int]] = []
        # A handler that fails while its database does not answer is not a poison message:
        # the events are held unacknowledged until it answers, and no retry is spent.
        self.database_answers = database_answers or (lambda: True)
        self._connection: Any = None
        self._consumer: Consumer | None = None
        self.side = Publisher(broker_url, topology=topology)
        self.handled = 0
        self.dead_lettered = 0
        self.retried = 0
        self.held_for_database = 0
        # Test hook: called after the handler committed, before the ack.
        self.after_handle: Callable[[Event], None] | None = None

    def run(self) -> None:
        """Consume until the stop event is set; reconnect with back-off on broker errors."""
        backoff = 0.5
        while not self.stop.is_set():
            try:
                self._consume()
                backoff = 0.5
            except Exception as exc:
                log.warning(
                    "consumer lost the broker; reconnecting",
                    extra={"fields": {"error": describe_error(exc), "retry_in": backoff}},
                )
                self.stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self.side.close()

    def _consume(self) -> None:
        connection = connect(self.broker_url)
        try:
            ensure_connected(connection)
            self.topology.declare(connection)
            queue = self.topology.main_queue(self.service)
            channel = connection.channel()
            consumer = Consumer(
                channel, queues=[queue], on_message=self._on_message, accept=["json"]
            )
            consumer.qos(prefetch_count=self.prefetch)
            self._connection, self._consumer = connection, consumer
            with consumer:
                log.info("consuming", extra={"fields": {"queue": queue.name}})
                while not self.stop.is_set():
                    try:
                        # Messages already on their way are gathered for a moment, no longer.
                        connection.drain_events(timeout=0.005 if self._batch else self.idle_wait)
                    except TimeoutError:
                        if self._batch:
                            self._handle_batch()
                        else:
                            connection.heartbeat_check()
                        continue
                    if len(self._batch) >= self.batch_size:
                        self._handle_batch()
                self._handle_batch()
        finally:
            # Unacknowledged messages of a lost connection come back from the broker.
            self._batch = []
            self._connection = self._consumer = None
            with contextlib.suppress(Exception):
                connection.release()

    def _on_message(self, message: Message) -> None:
        headers = message.headers or {}
        attempts = int(headers.get(ATTEMPTS_HEADER, 0) or 0)
        try:
            event = self._decode(message)
        except InvalidEvent as exc:
            self._dead_letter(message, attempts, exc.reason)
            return
        self._batch.append((message, event, attempts))

    def _handle_batch(self) -> None:
        batch, self._batch = self._batch, []
        while batch:
            batch = self._handle_all(batch)
            if batch:
                self._wait_for_database(len(batch))
                if self.stop.is_set():
                    return  # still unacknowledged: the broker delivers them again

    def _handle_all(self, batch: list[tuple[Message, Event, int]]) -> list:
        """Handle a batch; return the part left unhandled because the database is down."""
        if len(batch) > 1 and self.handle_batch is not None:
            started = time.monotonic()
            try:
                outcomes = self.handle_batch([event for _, event, _ in batch])
            except Exception as exc:
                if not self.database_answers():
                    return batch
                # All or nothing: nothing was kept, so each event gets its own try.
                log.warning(
                    "a batch of events failed; handling them one by one",
                    extra={"fields": {"events": len(batch), "error": describe_error(exc, 300)}},
                )
            else:
                ms = round((time.monotonic() - started) * 1000 / len(batch), 1)
                for (message, event, _), outcome in zip(batch, outcomes, strict=True):
                    self._acknowledge(message, event, outcome, ms)
                return []
        for index, (message, event, attempts) in enumerate(batch):
            if not self._handle_one(message, event, attempts):
                return batch[index:]
        return []

    def _wait_for_database(self, held: int) -> None:
        """Take no more messages until the database answers again, then take them again.

        The held messages stay unacknowledged (never retried, never dead-lettered); the
        connection is kept alive meanwhile, so the broker does not hand them to anyone else.
        """
        log.warning("database unreachable; holding events until it answers",
                    extra={"fields": {"events": held}})  # fmt: skip
        self.held_for_database += 1
        if self._consumer is not None:
            self._consumer.cancel()
        delay = 0.5
        while not self.stop.is_set() and not self.database_answers():
            self._idle(delay)
            delay = min(delay * 2, 5.0)
        if self._consumer is not None and not self.stop.is_set():
            self._consumer.consume()
            log.info("database answers again; consuming")

    def _idle(self, seconds: float) -> None:
        """Wait while answering the broker's heartbeats (a cancelled consumer gets nothing)."""
        if self._connection is None:
            self.stop.wait(seconds)
            return
        with contextlib.suppress(TimeoutError):
            self._connection.drain_events(timeout=seconds)
        self._connection.heartbeat_check()

    def _acknowledge(self, message: Message, event: Event, outcome: Any, ms: float) -> None:
        with log_context(
            event_id=event.id, event_type=event.type, correlation_id=event.correlation_id
        ):
            if self.after_handle:
                self.after_handle(event)
            message.ack()
            self.handled += 1
            log.info(
                "event handled" if outcome is not False else "duplicate event skipped",
                extra={"fields": {"ms": ms}},
            )

    def _handle_one(self, message: Message, event: Event, attempts: int) -> bool:
        """Handle one event; False (nothing acked) when it failed because the database is down."""
        with log_context(
            event_id=event.id, event_type=event.type, correlation_id=event.correlation_id
        ):
            started = time.monotonic()
            try:
                outcome = self.handle(event)
            except Exception as exc:
                if not self.database_answers():
                    return False
                log.exception("event handler failed")
                self._retry_or_dead_letter(message, attempts, describe_error(exc))
                return True
            self._acknowledge(
                message, event, outcome, round((time.monotonic() - started) * 1000, 1)
            )
            return True

    def _decode(self, message: Message) -> Event:
        if message.content_type != "application/json":
            raise InvalidEvent(f"content type {message.content_type!r} is not application/json")
        return parse_event(message.body)

    def _retry_or_dead_letter(self, message: Message, attempts: int, reason: str) -> None:
        delays = self.topology.retry_delays
        if attempts >= len(delays):
            self._dead_letter(message, attempts + 1, reason)
            return
        names = self.topology.names
        if self.topology.server:
            target = (self.topology.retry, names.retry_queue(self.service, attempts + 1))
        else:
            # Server-less transports have no message TTL: wait here, then requeue.
            self.stop.wait(min(delays[attempts], 5.0))
            target = (self.topology.requeue, names.queue(self.service))
        self._forward(
            message,
            target,
            {ATTEMPTS_HEADER: attempts + 1, "x-last-error": scrub_error_text(reason)[:500]},
        )
        self.retried += 1

    def _dead_letter(self, message: Message, attempts: int, reason: str) -> None:
        reason = scrub_error_text(reason)
        log.error("dead-lettering a message", extra={"fields": {"reason": reason[:500]}})
        target = (self.topology.dead, self.topology.names.queue(self.service))
        headers = {
            ATTEMPTS_HEADER: attempts,
            REASON_HEADER: reason[:1000],
            "x-dead-at": datetime.now(UTC).isoformat(),
            "x-original-routing-key": message.delivery_info.get("routing_key", ""),
        }
        self._forward(message, target, headers)
        self.dead_lettered += 1

    def _forward(self, message: Message, target: tuple[Any, str], extra: dict[str, Any]) -> None:
        """Publish a copy (confirmed) and only then ack the original: nothing is lost."""
        exchange, routing_key = target
        props = message.properties or {}
        body = message.body if isinstance(message.body, bytes | str) else str(message.body)
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        outgoing = Outgoing(
            body=body,
            exchange=exchange,
            routing_key=routing_key,
            message_id=props.get("message_id") or f"unidentified-{time.time_ns()}",
            headers={**(message.headers or {}), **extra},
            correlation_id=props.get("correlation_id"),
        )
        self.side.publish([outgoing])
        message.ack()
