"""Fixtures of the referral integration tests (real PostgreSQL; RabbitMQ where events travel)."""

import pytest

from shared.testing import FakeClock

from .support import make_referral_service


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(service_harness, clock):
    """The referral service on a fresh PostgreSQL database, clock in the test's hands."""
    return make_referral_service(service_harness, clock=clock)
