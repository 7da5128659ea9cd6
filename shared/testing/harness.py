"""One service under test: its runtime on a migrated database, its app, its worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.migrations import upgrade
from shared.testing import TEST_JWT_SECRET, auth
from shared.worker import Worker


class ServiceHarness:
    """A service wired for a test: .runtime, .app, .client, start_worker(), stop_worker()."""

    def __init__(
        self,
        service: str,
        runtime_from: Callable,
        create_app: Callable,
        handlers: dict,
        timers: list,
        config: dict[str, Any],
        clock: Any = None,
        migrate: bool = True,
    ) -> None:
        self.service = service
        self.config = config
        if migrate:  # False for a database copied from an already migrated template
            upgrade(service, config["DATABASE_URL"])
        self.runtime = runtime_from(config)
        if clock is not None:
            self.runtime.clock = clock
        self.clock = self.runtime.clock
        self.app = create_app({"TESTING": True}, runtime=self.runtime)
        self.client = self.app.test_client()
        self.handlers = handlers
        self.timers = timers
        self.worker: Worker | None = None

    @property
    def namespace(self) -> str:
        return self.config.get("BROKER_NAMESPACE", "")

    def start_worker(self, timers: list | None = None) -> Worker:
        """Start the consumer, relay and timers in background threads.

        Its idle loops look for a stop four times a second (a deployed worker: once), so the
        test's teardown does not wait a second for them.
        """
        chosen = self.timers if timers is None else timers
        self.worker = Worker(self.runtime, self.handlers, chosen, stop_within=0.25)
        self.worker.start()
        return self.worker

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop(timeout=10)
            self.worker = None

    def auth(
        self,
        role: str,
        districts: tuple[str, ...] | list[str] = (),
        provider_id: str | None = None,
        sub: str | None = None,
    ) -> dict[str, str]:
        """An Authorization header signed with this harness's secret."""
        return auth(
            role, districts, provider_id, sub, secret=self.config.get("JWT_SECRET", TEST_JWT_SECRET)
        )

    def close(self) -> None:
        self.stop_worker()
        self.runtime.db.dispose()
