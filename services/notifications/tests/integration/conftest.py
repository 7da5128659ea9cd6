from datetime import UTC, datetime
from functools import partial

import pytest

from services.notifications import app, bootstrap, handlers
from shared.testing import FakeClock
from shared.testing.sms_gateway import FakeSmsGateway

RECEIPT_SECRET = "test-receipt-secret-the-gateway-presents"
GATEWAY_TOKEN = "gateway-token"
# 10:00 in Dushanbe: inside sending hours.
MORNING = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


@pytest.fixture
def gateway():
    with FakeSmsGateway(token=GATEWAY_TOKEN) as fake:
        yield fake


@pytest.fixture
def clock():
    return FakeClock(MORNING)


@pytest.fixture
def make_service(service_harness, gateway, clock):
    """Build the notifications service on real PostgreSQL/RabbitMQ, talking to the stand-in."""

    def build(rand=lambda: 0.0, **env):
        settings = {
            "SMS_GATEWAY": "http",
            "SMS_HTTP_URL": gateway.url,
            "SMS_HTTP_STATUS_URL": gateway.status_url,
            "SMS_HTTP_TOKEN": GATEWAY_TOKEN,
            "SMS_HTTP_TIMEOUT": "0.5",
            "SMS_RECEIPT_SECRET": RECEIPT_SECRET,
            "SMS_MAX_ATTEMPTS": "3",
            **env,
        }
        return service_harness(
            "notifications",
            # No jitter wait by default: a retry is due at once, so tests need not move the clock.
            partial(bootstrap.runtime_from, rand=rand),
            app.create_app,
            handlers.HANDLERS,
            handlers.TIMERS,
            backend="real",
            clock=clock,
            env=settings,
        )

    return build


@pytest.fixture
def service(make_service):
    return make_service()
