import pytest

from shared.testing import EventTap, FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(service_harness, clock):
    """The assessment service on real PostgreSQL and RabbitMQ, its worker running."""
    harness = service_harness(
        "assessment",
        clock=clock,
    )
    harness.start_worker()
    yield harness
    # Stopped here, before the test database is dropped under a running worker.
    harness.close()


@pytest.fixture
def idle_assessment(service_harness, clock):
    """The assessment service with no worker: tests hand events to its handlers themselves."""
    harness = service_harness(
        "assessment",
        clock=clock,
    )
    yield harness
    harness.close()


@pytest.fixture
def tap(service, rabbitmq_url):
    """Every event on the test's exchange."""
    listener = EventTap(rabbitmq_url, service.namespace)
    yield listener
    listener.close()


@pytest.fixture
def case_manager(service):
    return service.auth("case_manager", ["rudaki"], sub="cm-rudaki")
