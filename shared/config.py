"""Configuration from the environment only (12-factor); the same names in every service."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEV_JWT_SECRET = "development-only-secret-change-me"
DEV_RECEIPT_SECRET = "development-receipt-secret"

# Every environment variable the platform reads, in one place (deploy tests check against it).
ENV_NAMES = (
    "DATABASE_URL",
    "BROKER_URL",
    "JWT_SECRET",
    "SMS_GATEWAY",
    "SMS_HTTP_URL",
    "SMS_HTTP_TOKEN",
    "SMS_RECEIPT_SECRET",
    "QUIET_HOURS",
    "REFERRAL_RESPONSE_HOURS",
    "ASSESSMENT_DUE_DAYS_URGENT",
    "ASSESSMENT_DUE_DAYS_ROUTINE",
    "DATA_DIR",
    "LOG_LEVEL",
    "BROKER_NAMESPACE",
    "BROKER_PREFETCH",
    "CONSUMER_BATCH_SIZE",
    "BROKER_QUEUE_TYPE",
    "RETRY_DELAYS",
    "OUTBOX_POLL_SECONDS",
    "OUTBOX_BATCH_SIZE",
    "MAX_CONTENT_LENGTH",
    "SMS_DAILY_CAP",
    "SMS_MAX_ATTEMPTS",
    "SMS_HTTP_FORMAT",
    "SMS_HTTP_STATUS_URL",
    "SMS_HTTP_CONNECT_TIMEOUT",
    "SMS_HTTP_TIMEOUT",
    "SMS_HTTP_FIELDS",
    "SMS_SENDER_ID",
    "SMS_RETRY_BASE_SECONDS",
    "SMS_RETRY_CAP_SECONDS",
    "SMS_CLAIM_SECONDS",
    "SMS_SEND_BATCH",
    "SMS_STOP_WORDS",
    "SMS_START_WORDS",
    "ASSESSMENT_WALKING_RULE",
    "REFERRAL_REMINDER_HOURS_BEFORE",
    "READINESS_REQUIRES",
)

log = logging.getLogger(__name__)


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    return float(raw) if raw else default


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    """What a service process needs to know, read once at start."""

    service: str
    database_url: str
    broker_url: str
    jwt_secret: str
    data_dir: Path
    broker_namespace: str = ""
    broker_prefetch: int = 50
    consumer_batch_size: int = 50
    queue_type: str = "quorum"
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0)
    outbox_poll_seconds: float = 0.05
    outbox_batch_size: int = 200
    max_content_length: int = 256 * 1024
    log_level: str = "INFO"
    jwt_secret_is_default: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def embedded_broker(self) -> bool:
        """True when the broker is kombu's server-less transport (no RabbitMQ)."""
        return not self.broker_url.startswith(("amqp", "pyamqp", "amqps"))

    def get(self, name: str, default: str = "") -> str:
        """Read one service-specific variable (SMS_GATEWAY, QUIET_HOURS, …)."""
        return self.extra.get(name, default)

    def with_overrides(self, **changes: Any) -> Settings:
        """Return a copy with some settings changed (tests)."""
        return replace(self, **changes)


def load_settings(service: str, env: dict[str, str] | None = None) -> Settings:
    """Build the settings of one service from the environment."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("DATA_DIR") or "var").resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / (service + '.db')}"
    broker_url = env.get("BROKER_URL") or f"filesystem://{data_dir / 'broker'}"
    secret = env.get("JWT_SECRET") or ""
    if not secret:
        log.warning(
            "JWT_SECRET is not set: using the built-in development key. "
            "Never run like this outside a developer's machine."
        )
    delays = env.get("RETRY_DELAYS", "").strip()
    return Settings(
        service=service,
        database_url=database_url,
        broker_url=broker_url,
        jwt_secret=secret or DEV_JWT_SECRET,
        jwt_secret_is_default=not secret,
        data_dir=data_dir,
        broker_namespace=env.get("BROKER_NAMESPACE", "").strip(),
        broker_prefetch=_int(env, "BROKER_PREFETCH", 50),
        consumer_batch_size=_int(env, "CONSUMER_BATCH_SIZE", 50),
        queue_type=env.get("BROKER_QUEUE_TYPE", "").strip() or "quorum",
        retry_delays=tuple(float(d) for d in delays.split(",")) if delays else (1.0, 5.0, 30.0),
        outbox_poll_seconds=_float(env, "OUTBOX_POLL_SECONDS", 0.05),
        outbox_batch_size=_int(env, "OUTBOX_BATCH_SIZE", 200),
        max_content_length=_int(env, "MAX_CONTENT_LENGTH", 256 * 1024),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        extra={k: v for k, v in env.items() if k in ENV_NAMES},
    )
