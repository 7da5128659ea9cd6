"""The portal's settings, read once from the environment."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from shared.config import DEV_JWT_SECRET

log = logging.getLogger(__name__)

DEV_SECRET_KEY = "development-only-portal-secret-key-change-me"
MIN_SECRET_BYTES = 32
API_DEFAULTS = {
    "INTAKE_URL": "http://127.0.0.1:8001",
    "ASSESSMENT_URL": "http://127.0.0.1:8002",
    "REFERRAL_URL": "http://127.0.0.1:8003",
    "NOTIFICATIONS_URL": "http://127.0.0.1:8004",
    "QUALITY_URL": "http://127.0.0.1:8005",
}


class SettingsError(RuntimeError):
    """A setting the portal cannot start without is missing or unsafe."""


@dataclass(frozen=True)
class PortalSettings:
    """What the portal process needs to know, read once at start."""

    database_url: str
    secret_key: str
    jwt_secret: str
    jwt_issuer: str = "early-intervention"
    intake_url: str = API_DEFAULTS["INTAKE_URL"]
    assessment_url: str = API_DEFAULTS["ASSESSMENT_URL"]
    referral_url: str = API_DEFAULTS["REFERRAL_URL"]
    notifications_url: str = API_DEFAULTS["NOTIFICATIONS_URL"]
    quality_url: str = API_DEFAULTS["QUALITY_URL"]
    secure_cookies: bool = False
    embedded: bool = True
    idle_minutes: int = 30
    api_token_seconds: int = 300
    api_timeout_seconds: float = 5.0
    log_level: str = "INFO"
    testing: bool = False


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _secret(env: dict[str, str], name: str, dev_value: str, embedded: bool) -> str:
    """Return a secret; outside the embedded mode a missing or short one stops the portal."""
    value = env.get(name, "")
    if value and len(value.encode()) >= MIN_SECRET_BYTES:
        return value
    if embedded:
        if value:
            raise SettingsError(f"{name} must be at least {MIN_SECRET_BYTES} bytes long")
        log.warning("%s is not set: using a development value (local run only)", name)
        return dev_value
    raise SettingsError(
        f"{name} must be set to a random value of at least {MIN_SECRET_BYTES} bytes "
        "when the portal runs with a real database (DATABASE_URL is set)"
    )


def load_portal_settings(env: dict[str, str] | None = None) -> PortalSettings:
    """Build the portal's settings from the environment; fail closed on missing secrets."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("DATA_DIR") or "var").resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'portal.db'}"
    embedded = not env.get("DATABASE_URL") or database_url.startswith("sqlite")
    urls = {
        name.lower(): (env.get(name) or default).rstrip("/")
        for name, default in API_DEFAULTS.items()
    }
    return PortalSettings(
        database_url=database_url,
        secret_key=_secret(env, "PORTAL_SECRET_KEY", DEV_SECRET_KEY, embedded),
        jwt_secret=_secret(env, "JWT_SECRET", DEV_JWT_SECRET, embedded),
        jwt_issuer=env.get("JWT_ISSUER") or "early-intervention",
        secure_cookies=_flag(env.get("PORTAL_SECURE_COOKIES")),
        embedded=embedded,
        idle_minutes=int(env.get("PORTAL_IDLE_MINUTES") or 30),
        log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
        **urls,
    )
