"""Fixtures of the quality integration tests (real PostgreSQL)."""

import pytest

from services.quality import app as quality_app
from services.quality import bootstrap
from services.quality.handlers import HANDLERS, TIMERS
from shared.testing import FakeClock


@pytest.fixture
def quality(service_harness):
    """The quality service on a fresh PostgreSQL database, clock in the test's hands."""
    return service_harness(
        "quality", bootstrap.runtime_from, quality_app.create_app, HANDLERS, TIMERS,
        clock=FakeClock(),
    )  # fmt: skip
