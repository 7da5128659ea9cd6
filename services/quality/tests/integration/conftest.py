"""Fixtures of the quality integration tests (real PostgreSQL)."""

import pytest

from shared.testing import FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(service_harness, clock):
    """The quality service on a fresh PostgreSQL database, clock in the test's hands."""
    return service_harness("quality", clock=clock)
