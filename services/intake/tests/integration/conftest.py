"""An intake service on real PostgreSQL and RabbitMQ, and a tap on its events."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from shared.testing import EventTap, FakeClock

# 10:00 in Dushanbe on 25 November 2026.
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def service(service_harness, clock):
    return service_harness(
        "intake",
        clock=clock,
    )


@pytest.fixture
def tap(service, rabbitmq_url):
    events = EventTap(rabbitmq_url, service.namespace)
    service.start_worker()
    yield events
    events.close()
    service.stop_worker()  # before its database is dropped


def count(harness, model_or_table) -> int:
    """Count the rows of a model or table in the service's database."""
    with harness.runtime.db.session() as session:
        return session.execute(select(func.count()).select_from(model_or_table)).scalar_one()
