"""The five services in one process on real PostgreSQL and RabbitMQ, with their logs and events."""

from __future__ import annotations

import importlib
import logging
import threading
import traceback
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from services.notifications.gateways import ConsoleGateway
from shared.logging import NOISY_LOGGERS, JsonFormatter
from shared.testing import TEST_JWT_SECRET, EventTap, token, unique
from shared.testing.fixtures import migrated_database
from shared.testing.harness import ServiceHarness

SERVICES = ("intake", "assessment", "referral", "notifications", "quality")
RECEIPT_SECRET = "receipt-secret-only-the-gateway-knows-7c1f"
SMS_HTTP_TOKEN = "sms-gateway-bearer-token-never-logged-91ab"
SECRETS = (TEST_JWT_SECRET, RECEIPT_SECRET, SMS_HTTP_TOKEN)
ENV = {
    "JWT_SECRET": TEST_JWT_SECRET,
    "RETRY_DELAYS": "0.2,0.5",
    "SMS_RECEIPT_SECRET": RECEIPT_SECRET,
    "SMS_HTTP_TOKEN": SMS_HTTP_TOKEN,
    "QUIET_HOURS": "",
}


class LogLines(logging.Handler):
    """Keeps every log record as the JSON line production would write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.formatter_ = JsonFormatter("under-test")
        self.lines: list[str] = []
        self._lock_lines = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted now, inside the caller's context, exactly as the platform's handler does.
        try:
            line = self.formatter_.format(record)
        except Exception:  # a record that cannot be formatted is itself worth seeing
            line = f"UNFORMATTABLE {record.getMessage()!r} {getattr(record, 'fields', None)!r}"
        with self._lock_lines:
            self.lines.append(line)

    def snapshot(self) -> list[str]:
        with self._lock_lines:
            return list(self.lines)


class Tokens:
    """Mints one token per user, and remembers each, so logs can be searched for them."""

    def __init__(self) -> None:
        self.issued: dict[tuple, str] = {}

    def header(
        self, role: str, districts: tuple[str, ...] = (), provider_id: str | None = None
    ) -> dict[str, str]:
        """An Authorization header for a role."""
        key = (role, tuple(districts), provider_id)
        if key not in self.issued:
            sub = f"{role}-security"
            self.issued[key] = token(role, districts, provider_id, sub, secret=TEST_JWT_SECRET)
        return {"Authorization": f"Bearer {self.issued[key]}"}


@dataclass
class Stack:
    """Every service's harness (or why it could not start), the event tap and the log lines."""

    harnesses: dict[str, ServiceHarness] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)
    tap: EventTap | None = None
    logs: LogLines = field(default_factory=LogLines)
    tokens: Tokens = field(default_factory=Tokens)
    log_levels: dict[str, int] = field(default_factory=dict)

    def service(self, name: str) -> ServiceHarness:
        """The harness of a service; fails the test when the service could not start."""
        if name not in self.harnesses:
            pytest.fail(f"{name} could not start:\n{self.broken.get(name, 'unknown')}")
        return self.harnesses[name]

    def call(self, name: str, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request to a service's app."""
        return self.service(name).client.open(path, method=method, **kwargs)


def _harness(name: str, config: dict[str, Any]) -> ServiceHarness:
    """The service on a database already at its latest schema."""
    boot = importlib.import_module(f"services.{name}.bootstrap")
    app = importlib.import_module(f"services.{name}.app")
    handlers = importlib.import_module(f"services.{name}.handlers")
    runtime_from = boot.runtime_from
    if name == "notifications":
        # The console gateway is refused on real servers by name; handed in, it records.
        runtime_from = partial(boot.runtime_from, gateway=ConsoleGateway())
    return ServiceHarness(
        name,
        runtime_from,
        app.create_app,
        handlers.HANDLERS,
        getattr(handlers, "TIMERS", []),
        config,
        migrate=False,
    )


def start_stack(
    stack: Stack, postgres_url: str, rabbitmq_url: str, databases: list[str], namespace: str
) -> None:
    """Start every service that can start, each on its own new database, all on one namespace."""
    # What a process's entry point sets up (creating an app leaves logging alone): INFO and up,
    # libraries at WARNING; put back as it was when the stack stops.
    for name in ("", *NOISY_LOGGERS):
        stack.log_levels[name] = logging.getLogger(name).level
    logging.getLogger().setLevel(logging.INFO)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger().addHandler(stack.logs)
    stack.tap = EventTap(rabbitmq_url, namespace)
    for name in SERVICES:
        try:
            # A copy of the service's migrated template (shared/testing/fixtures.py).
            database_url = migrated_database(postgres_url, name)
            databases.append(database_url.rsplit("/", 1)[1])
            config = {
                **ENV,
                "DATABASE_URL": database_url,
                "BROKER_URL": rabbitmq_url,
                "BROKER_NAMESPACE": namespace,
            }
            harness = _harness(name, config)
            harness.start_worker()
        except Exception:
            stack.broken[name] = traceback.format_exc(limit=6)
            continue
        stack.harnesses[name] = harness


def stop_stack(stack: Stack, postgres_url: str, databases: list[str]) -> None:
    """Stop workers, close the tap, drop the databases."""
    for harness in stack.harnesses.values():
        harness.close()
    if stack.tap is not None:
        stack.tap.close()
    logging.getLogger().removeHandler(stack.logs)
    for name, level in stack.log_levels.items():
        logging.getLogger(name).setLevel(level)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in databases:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def new_namespace() -> str:
    """A broker namespace of its own for this package's run."""
    return unique("sec")
