"""Prometheus metrics: HTTP per process; events and outbox lag read from the database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from shared.outbox import outbox_lag_seconds, waiting
from shared.runtime import Runtime

T = TypeVar("T")

# Totals over ever-growing tables (events published and consumed, SMS by status) cost a scan
# that grows with the register; they are read at most this often per process. What an operator
# alerts on (pending, failed, the outbox lag) is read on every scrape from small indexes.
TOTALS_MAX_AGE_SECONDS = 15.0


class Cached(Generic[T]):
    """A value read at most once per `max_age` seconds; a failed read is not kept."""

    def __init__(self, read: Callable[[], T], max_age: float = TOTALS_MAX_AGE_SECONDS) -> None:
        self.read, self.max_age = read, max_age
        self._value: T | None = None
        self._at = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> T:
        """The value, read again when older than max_age (raises what the read raises)."""
        with self._lock:
            if time.monotonic() - self._at >= self.max_age or self._value is None:
                self._value = self.read()
                self._at = time.monotonic()
            return self._value


class _EventCollector:
    """Reads event counts and the outbox lag from the service's database at scrape time."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self._totals = Cached(self._read_totals)

    def _read_totals(self) -> tuple[int, int]:
        """Events published and consumed so far: full counts, so read only now and then."""
        runtime = self.runtime
        assert runtime is not None
        outbox, processed = runtime.tables.outbox, runtime.tables.processed
        with runtime.db.session() as session:
            published = session.execute(
                select(func.count()).where(outbox.c.published_at.is_not(None))
            ).scalar_one()
            consumed = session.execute(select(func.count()).select_from(processed)).scalar_one()
        return published, consumed

    def collect(self):
        if self.runtime is None:
            return
        runtime = self.runtime
        outbox = runtime.tables.outbox
        try:
            published, consumed = self._totals.get()
            with runtime.db.session() as session:
                pending = session.execute(select(func.count()).where(waiting(outbox))).scalar_one()
                failed = session.execute(
                    select(func.count()).where(
                        outbox.c.failed_at.is_not(None), outbox.c.published_at.is_(None)
                    )
                ).scalar_one()
                lag = outbox_lag_seconds(session, outbox, runtime.now())
        except Exception:
            return
        for name, doc, value in (
            (
                "platform_events_published",
                "Events this service published (confirmed by the broker)",
                published,
            ),
            ("platform_outbox_pending", "Events waiting in the outbox", pending),
            (
                "platform_outbox_failed",
                "Events the broker kept refusing, left for an operator to retry",
                failed,
            ),
            ("platform_events_consumed", "Events this service handled", consumed),
            ("platform_outbox_lag_seconds", "Age of the oldest unsent event", lag),
        ):
            yield GaugeMetricFamily(name, doc, value=value)


class Metrics:
    """One registry per app, so several apps in one test process do not collide."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "HTTP requests",
            ["service", "method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["service", "method", "endpoint"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.service = service
        self._events = _EventCollector()
        self.registry.register(self._events)

    def observe_request(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        self.requests.labels(self.service, method, endpoint, str(status)).inc()
        self.latency.labels(self.service, method, endpoint).observe(seconds)

    def render(self, runtime: Runtime) -> bytes:
        """The Prometheus text exposition of everything."""
        self._events.runtime = runtime
        return generate_latest(self.registry)
