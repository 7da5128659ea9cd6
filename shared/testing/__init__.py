"""Test helpers other packages reuse: servers, databases, clocks, polling, event taps."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from shared.auth import issue_token

TEST_JWT_SECRET = "test-secret-of-at-least-thirty-two-bytes!"
TEST_RECEIPT_SECRET = "test-receipt-secret-of-at-least-32-bytes"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


def wait_for(
    predicate: Callable[[], Any],
    timeout: float = 10.0,
    interval: float = 0.05,
    message: str = "condition",
) -> Any:
    """Poll until predicate() is truthy and return its value; fail after the deadline."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last value: {last!r})")


def token(
    role: str,
    districts: tuple[str, ...] | list[str] = (),
    provider_id: str | None = None,
    sub: str | None = None,
    secret: str = TEST_JWT_SECRET,
    **kwargs: Any,
) -> str:
    """A signed token for tests."""
    return issue_token(
        secret, role=role, districts=list(districts), provider_id=provider_id, sub=sub, **kwargs
    )


def auth(
    role: str,
    districts: tuple[str, ...] | list[str] = (),
    provider_id: str | None = None,
    sub: str | None = None,
    secret: str = TEST_JWT_SECRET,
) -> dict[str, str]:
    """An Authorization header for tests."""
    return {"Authorization": f"Bearer {token(role, districts, provider_id, sub, secret)}"}


class FakeClock:
    """A clock tests move by hand (pass `clock` to a Runtime)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward (timedelta keywords)."""
        with self._lock:
            self.now += timedelta(**delta)
            return self.now

    def set(self, when: datetime) -> None:
        with self._lock:
            self.now = when


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections there."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def url_answers(url: str, default_port: int) -> bool:
    """True when the server named by a URL accepts connections."""
    parsed = urlparse(url.replace("postgresql+psycopg", "postgresql"))
    return answers(parsed.hostname or "127.0.0.1", parsed.port or default_port)


def docker_available() -> bool:
    """True when a Docker engine answers (testcontainers can start servers)."""
    return os.path.exists("/var/run/docker.sock") and answers_unix("/var/run/docker.sock")


def answers_unix(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(1)
            sock.connect(path)
            return True
    except OSError:
        return False


def unique(prefix: str) -> str:
    """A short unique name for databases and namespaces."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


class EventTap:
    """Listens to every event on a namespace's exchange through its own temporary queue."""

    def __init__(self, broker_url: str, namespace: str, pattern: str = "#") -> None:
        from kombu import Connection, Exchange, Queue

        from shared.messaging.topology import Names

        self.events: list[dict[str, Any]] = []
        self._connection = Connection(broker_url)
        exchange = Exchange(Names(namespace).events, "topic", durable=True)
        self._queue = Queue(
            unique("tap"), exchange, routing_key=pattern, exclusive=True, auto_delete=True
        )
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        try:
            with self._connection.Consumer(self._queue, on_message=self._on_message):
                self._ready.set()
                while not self._stop.is_set():
                    try:
                        self._connection.drain_events(timeout=0.2)
                    except TimeoutError:
                        continue
        except Exception:  # the broker went away: this tap (an exclusive queue) ends with it
            self._ready.set()

    def _on_message(self, message: Any) -> None:
        try:
            self.events.append(json.loads(message.body))
        except ValueError:
            self.events.append({"type": None, "id": None, "raw": message.body})
        message.ack()

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """Events seen so far of one type."""
        return [e for e in self.events if e["type"] == event_type]

    def wait_for(
        self, event_type: str, where: Callable[[dict], bool] = lambda e: True, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Wait for an event of a type that matches, and return it."""
        return wait_for(
            lambda: next((e for e in self.of_type(event_type) if where(e)), None),
            timeout,
            message=f"event {event_type}",
        )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._connection.release()
