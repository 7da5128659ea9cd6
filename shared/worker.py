"""The worker process of a service: its consumer, its outbox relay and its timers, as threads."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from shared.handling import Handler, handle_many, handle_once
from shared.logging import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.messaging.publisher import Publisher
from shared.messaging.topology import topology_for
from shared.outbox import OutboxRelay, prune_published
from shared.outbox_notices import OutboxNotices
from shared.runtime import Runtime
from shared.subscriptions import SUBSCRIPTIONS

log = logging.getLogger(__name__)


@dataclass
class Timer:
    """A periodic job (SLA expiry, held SMS release, sending). run() returns how much it did."""

    name: str
    interval: float
    run: Callable[[Runtime], int]


def prune_outbox(runtime: Runtime) -> int:
    """Delete events published longer ago than OUTBOX_RETENTION_DAYS (0 keeps them all)."""
    days = runtime.settings.outbox_retention_days
    if days <= 0:
        return 0
    before = runtime.now() - timedelta(days=days)
    with runtime.db.session() as session:
        pruned = prune_published(session, runtime.tables.outbox, before)
    if pruned:
        log.info("published events pruned", extra={"fields": {"rows": pruned}})
    return pruned


# Every worker runs it: published rows are only kept for looking into recent history.
OUTBOX_RETENTION = Timer("outbox-retention", 3600.0, prune_outbox)


class Worker:
    """Runs a service's background work until stopped."""

    def __init__(
        self,
        runtime: Runtime,
        handlers: dict[str, Handler],
        timers: Sequence[Timer] = (),
        stop_within: float = 1.0,
    ) -> None:
        """stop_within: the longest an idle loop waits before it sees a stop (and so how long a
        stop may take); shorter costs an idle worker more wake-ups."""
        self.runtime = runtime
        self.handlers = handlers
        self.stop_within = stop_within
        self.timers = [*timers, OUTBOX_RETENTION]
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        settings = runtime.settings
        self.topology = topology_for(settings)
        self.relay = OutboxRelay(
            runtime.db,
            runtime.tables.outbox,
            Publisher(settings.broker_url, topology=self.topology),
            self.topology,
            batch_size=settings.outbox_batch_size,
            clock=runtime.clock,
            max_refusals=settings.outbox_max_refusals,
        )
        self.consumer: EventConsumer | None = None
        if SUBSCRIPTIONS.get(settings.service):
            self.consumer = EventConsumer(
                settings.service,
                settings.broker_url,
                self.topology,
                lambda event: handle_once(runtime, handlers, event),
                self.stop_event,
                prefetch=settings.broker_prefetch,
                handle_batch=lambda events: handle_many(runtime, handlers, events),
                batch_size=settings.consumer_batch_size,
                database_answers=lambda: database_answers(runtime),
                idle_wait=stop_within,
            )

    def start(self) -> None:
        """Start every loop in its own thread."""
        settings = self.runtime.settings
        poll: float | Callable[[], float] = settings.outbox_poll_seconds
        if not self.runtime.db.is_sqlite:
            # Woken by PostgreSQL when any process commits events; a look now and then besides.
            notices = OutboxNotices(
                settings.database_url,
                self.runtime.outbox_wake,
                self.stop_event,
                wait_seconds=self.stop_within,
            )
            self._spawn("outbox-notices", notices.run)

            def poll() -> float:
                if notices.listening:
                    return settings.outbox_safety_poll_seconds
                return settings.outbox_poll_seconds

        self._spawn("relay", self.relay.run, self.stop_event, self.runtime.outbox_wake, poll)
        if self.consumer is not None:
            self._spawn("consumer", self.consumer.run)
        for timer in self.timers:
            self._spawn(f"timer:{timer.name}", self._run_timer, timer)
        log.info("worker started", extra={"fields": {"threads": [t.name for t in self.threads]}})

    def _spawn(self, name: str, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _run_timer(self, timer: Timer) -> None:
        # Woken early when a transaction of this process made work for it (wake_after_commit).
        wake = self.runtime.wake_event(timer.name)
        while not self.stop_event.is_set():
            wake.clear()
            try:
                done = timer.run(self.runtime)
            except Exception:
                log.exception("timer failed", extra={"fields": {"timer": timer.name}})
                done = 0
            if not done:
                wake.wait(timer.interval)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every loop to stop after the work in hand, and wait for them."""
        self.stop_event.set()
        self.runtime.outbox_wake.set()
        self.runtime.wake_all()
        for thread in self.threads:
            thread.join(timeout)
        log.info("worker stopped")


def database_answers(runtime: Runtime) -> bool:
    """True when the service's database answers a trivial query now."""
    try:
        runtime.db.ping()
        return True
    except Exception:
        return False


def run_worker(runtime: Runtime, handlers: dict[str, Handler], timers: Sequence[Timer] = ()) -> int:
    """Run a worker in the foreground until SIGTERM or SIGINT; the process entry point."""
    settings = runtime.settings
    configure_logging(f"{settings.service}-worker", settings.log_level)
    worker = Worker(runtime, handlers, timers)
    done = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("stopping on signal", extra={"fields": {"signal": signum}})
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker.start()
    while not done.wait(1.0):
        pass
    worker.stop()
    runtime.db.dispose()
    return 0
