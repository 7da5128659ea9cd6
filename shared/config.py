"""Configuration from the environment only (12-factor); the same names in every service."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# Used only by the embedded local run (SQLite and the server-less broker); a service on a real
# database or broker refuses to start without secrets of its own (check_secret).
DEV_JWT_SECRET = "development-only-secret-change-me"
DEV_RECEIPT_SECRET = "development-receipt-secret"
MIN_SECRET_BYTES = 32
DEFAULT_JWT_ISSUER = "early-intervention"
DEFAULT_JWT_MAX_LIFETIME_SECONDS = 86400

# Every environment variable the platform reads, in one place (deploy tests check against it).
ENV_NAMES = (
    "DATABASE_URL",
    "BROKER_URL",
    "JWT_SECRET",
    "JWT_ISSUER",
    "JWT_MAX_LIFETIME_SECONDS",
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
    "OUTBOX_SAFETY_POLL_SECONDS",
    "OUTBOX_BATCH_SIZE",
    "OUTBOX_RETENTION_DAYS",
    "OUTBOX_MAX_REFUSALS",
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
    "REFERRAL_WORKING_HOURS",
    "REFERRAL_WORKING_DAYS",
    "KANNEL_SENDSMS_URL",
    "KANNEL_USERNAME",
    "KANNEL_PASSWORD",
    "KANNEL_SENDER",
    "KANNEL_CALLBACK_BASE_URL",
    "KANNEL_TIMEOUT",
    "JWT_ISSUER",
    "PORTAL_SECRET_KEY",
    "PORTAL_SECURE_COOKIES",
    "PORTAL_IDLE_MINUTES",
    "INTAKE_URL",
    "ASSESSMENT_URL",
    "REFERRAL_URL",
    "NOTIFICATIONS_URL",
    "QUALITY_URL",
    "READINESS_REQUIRES",
)

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """A setting that makes it unsafe to start (a missing or weak secret outside the local run)."""


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
    outbox_safety_poll_seconds: float = 1.0
    outbox_batch_size: int = 200
    outbox_retention_days: float = 30.0
    outbox_max_refusals: int = 10
    max_content_length: int = 256 * 1024
    log_level: str = "INFO"
    jwt_secret_is_default: bool = False
    jwt_issuer: str = DEFAULT_JWT_ISSUER
    jwt_max_lifetime_seconds: int = DEFAULT_JWT_MAX_LIFETIME_SECONDS
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def embedded_broker(self) -> bool:
        """True when the broker is kombu's server-less transport (no RabbitMQ)."""
        return not self.broker_url.startswith(("amqp", "pyamqp", "amqps"))

    @property
    def embedded(self) -> bool:
        """True for the local run with no server: a SQLite database and the embedded broker."""
        return self.embedded_broker and self.database_url.startswith("sqlite")

    def get(self, name: str, default: str = "") -> str:
        """Read one service-specific variable (SMS_GATEWAY, QUIET_HOURS, …)."""
        return self.extra.get(name, default)


def load_settings(service: str, env: dict[str, str] | None = None) -> Settings:
    """Build the settings of one service from the environment."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("DATA_DIR") or "var").resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / (service + '.db')}"
    broker_url = env.get("BROKER_URL") or f"filesystem://{data_dir / 'broker'}"
    secret = env.get("JWT_SECRET") or ""
    delays = env.get("RETRY_DELAYS", "").strip()
    return Settings(
        service=service,
        database_url=database_url,
        broker_url=broker_url,
        jwt_secret=secret or DEV_JWT_SECRET,
        jwt_secret_is_default=not secret,
        jwt_issuer=env.get("JWT_ISSUER", "").strip() or DEFAULT_JWT_ISSUER,
        jwt_max_lifetime_seconds=_int(
            env, "JWT_MAX_LIFETIME_SECONDS", DEFAULT_JWT_MAX_LIFETIME_SECONDS
        ),
        data_dir=data_dir,
        broker_namespace=env.get("BROKER_NAMESPACE", "").strip(),
        broker_prefetch=_int(env, "BROKER_PREFETCH", 50),
        consumer_batch_size=_int(env, "CONSUMER_BATCH_SIZE", 50),
        queue_type=env.get("BROKER_QUEUE_TYPE", "").strip() or "quorum",
        retry_delays=tuple(float(d) for d in delays.split(",")) if delays else (1.0, 5.0, 30.0),
        outbox_poll_seconds=_float(env, "OUTBOX_POLL_SECONDS", 0.05),
        outbox_safety_poll_seconds=_float(env, "OUTBOX_SAFETY_POLL_SECONDS", 1.0),
        outbox_batch_size=_int(env, "OUTBOX_BATCH_SIZE", 200),
        outbox_retention_days=_float(env, "OUTBOX_RETENTION_DAYS", 30.0),
        outbox_max_refusals=_int(env, "OUTBOX_MAX_REFUSALS", 10),
        max_content_length=_int(env, "MAX_CONTENT_LENGTH", 256 * 1024),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        extra={k: v for k, v in env.items() if k in ENV_NAMES},
    )


def check_secret(name: str, value: str | None, settings: Settings, development: str) -> str:
    """The secret to use: refuse a missing or short one unless this is the embedded local run."""
    value = value or ""
    if len(value.encode("utf-8")) >= MIN_SECRET_BYTES:
        return value
    if not settings.embedded:
        problem = "is not set" if not value else f"is shorter than {MIN_SECRET_BYTES} bytes"
        raise ConfigError(
            f"{name} {problem}: a service on a real database or broker needs a random secret "
            f"of at least {MIN_SECRET_BYTES} bytes (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`). "
            "Development values are used only in the embedded local run."
        )
    log.warning(
        "%s %s: using it only because this is the embedded local run",
        name,
        "is not set; the built-in development value stands in" if not value else "is short",
    )
    return value or development


def require_secrets(settings: Settings) -> Settings:
    """The settings with a usable JWT secret, or ConfigError outside the embedded local run."""
    secret = "" if settings.jwt_secret_is_default else settings.jwt_secret
    return replace(
        settings, jwt_secret=check_secret("JWT_SECRET", secret, settings, DEV_JWT_SECRET)
    )
