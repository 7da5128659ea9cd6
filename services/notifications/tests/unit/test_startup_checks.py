"""Outside the embedded run, notifications needs a real receipt secret and a named gateway."""

from __future__ import annotations

import pytest

from services.notifications.bootstrap import runtime_from
from services.notifications.gateways import ConsoleGateway
from services.notifications.settings import sms_setup
from shared.config import DEV_RECEIPT_SECRET, ConfigError

JWT = "a-jwt-secret-that-is-long-enough-for-hs256"
RECEIPT = "a-receipt-secret-that-is-long-enough-too"
REAL = {
    "DATABASE_URL": "postgresql+psycopg://notifications:pw@db.invalid:5432/notifications",
    "JWT_SECRET": JWT,
    "SMS_GATEWAY": "http",
    "SMS_HTTP_URL": "https://sms.example.org/send",
    "SMS_HTTP_STATUS_URL": "https://sms.example.org/status",
    "SMS_RECEIPT_SECRET": RECEIPT,
}


def without(config: dict) -> dict:
    """The config with the names set to None left out (as if never set)."""
    return {k: v for k, v in config.items() if v is not None}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in ("SMS_RECEIPT_SECRET", "SMS_GATEWAY", "DATABASE_URL", "BROKER_URL", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))


def test_a_real_deployment_with_proper_settings_starts():
    assert sms_setup(runtime_from(dict(REAL))).receipt_secret == RECEIPT


@pytest.mark.parametrize("secret", [None, "", "s" * 31], ids=["unset", "empty", "short"])
def test_a_missing_or_short_receipt_secret_stops_the_service(secret):
    config = without({**REAL, "SMS_RECEIPT_SECRET": secret})
    with pytest.raises(ConfigError, match="SMS_RECEIPT_SECRET"):
        runtime_from(config)


@pytest.mark.parametrize("gateway", [None, "", "console", "Console"])
def test_the_console_gateway_is_refused_on_real_servers(gateway):
    config = without({**REAL, "SMS_GATEWAY": gateway})
    with pytest.raises(ConfigError, match="SMS_GATEWAY"):
        runtime_from(config)


def test_the_embedded_run_keeps_its_development_defaults():
    setup = sms_setup(runtime_from({}))
    assert setup.receipt_secret == DEV_RECEIPT_SECRET
    assert type(setup.gateway).__name__ == "ConsoleGateway"


def test_a_gateway_handed_in_is_used_and_no_gateway_is_named():
    gateway = ConsoleGateway()
    setup = sms_setup(runtime_from(without({**REAL, "SMS_GATEWAY": None}), gateway=gateway))
    assert setup.gateway is gateway
