"""One running platform for every security test: five services, seeded journeys, logs, events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security import report
from tests.security.journeys import Journeys
from tests.security.people import World
from tests.security.stack import Stack, new_namespace, start_stack, stop_stack


@pytest.fixture(scope="package")
def stack(postgres_url: str, rabbitmq_url: str) -> Iterator[Stack]:
    """The five services on real PostgreSQL and RabbitMQ, workers running, logs and events kept."""
    from shared.testing.fixtures import delete_namespace

    databases: list[str] = []
    namespace = new_namespace()
    running = Stack()
    try:
        start_stack(running, postgres_url, rabbitmq_url, databases, namespace)
        yield running
    finally:
        stop_stack(running, postgres_url, databases)
        delete_namespace(rabbitmq_url, namespace, (0.2, 0.5))


@pytest.fixture(scope="package")
def world(stack: Stack) -> World:
    """Children, providers, assessments, referrals and SMS made through the APIs."""
    return Journeys(stack).run()


@pytest.fixture(scope="package")
def specs(stack: Stack) -> dict[str, dict[str, Any]]:
    """Each running service's OpenAPI document."""
    documents = {}
    for name in stack.harnesses:
        response = stack.call(name, "GET", "/openapi.json")
        assert response.status_code == 200, f"{name} /openapi.json: {response.status_code}"
        documents[name] = response.get_json()
    return documents


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the schemathesis totals, whatever the output options."""
    if report.TOTALS:
        terminalreporter.section("schemathesis totals")
        for line in report.lines():
            terminalreporter.write_line(line)
