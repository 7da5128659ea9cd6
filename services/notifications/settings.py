"""The notifications service's own settings: gateway, quiet hours, cap, retries, word lists."""

from __future__ import annotations

import os
import random
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.notifications.domain.planning import PlanSettings
from services.notifications.domain.replies import (
    ReplyWords,
    load_reply_words,
    parse_word_list,
)
from services.notifications.domain.retry import RetryPolicy
from services.notifications.domain.sending_window import QuietWindow, parse_quiet_hours
from services.notifications.domain.templates import Catalogue, default_catalogue
from services.notifications.gateways import SmsGateway, build_gateway
from services.notifications.gateways.kannel import KANNEL_NAMES
from shared.config import DEV_RECEIPT_SECRET, ConfigError, check_secret
from shared.due_dates import DUE_DAYS_ENV, due_targets_from_config
from shared.runtime import Runtime

DEFAULTS = {
    "SMS_GATEWAY": "console",
    "QUIET_HOURS": "21:00-08:00",
    "SMS_DAILY_CAP": "5",
    "SMS_MAX_ATTEMPTS": "6",
    "SMS_RETRY_BASE_SECONDS": "30",
    "SMS_RETRY_CAP_SECONDS": "3600",
    "SMS_CLAIM_SECONDS": "60",
    "SMS_SEND_BATCH": "20",
    "ASSESSMENT_DUE_DAYS_URGENT": "3",
    "ASSESSMENT_DUE_DAYS_ROUTINE": "14",
}


@dataclass
class SmsSetup:
    """Everything the handlers, the sender and the callbacks need besides the database."""

    gateway: SmsGateway
    quiet_hours: QuietWindow | None
    daily_cap: int | None
    policy: RetryPolicy
    words: ReplyWords
    catalogue: Catalogue
    plan: PlanSettings
    receipt_secret: str
    claim_seconds: float
    batch: int
    rand: Callable[[], float] = random.random


def _lookup(config: Mapping[str, Any], runtime: Runtime) -> Callable[[str], str | None]:
    """Read a name from the config mapping, then the runtime's settings, then the environment."""

    def get(name: str) -> str | None:
        if name in config and config[name] is not None:
            return str(config[name])
        if name in runtime.settings.extra:
            return runtime.settings.extra[name]
        if name in os.environ:
            return os.environ[name]
        return DEFAULTS.get(name)

    return get


def _words(get: Callable[[str], str | None]) -> ReplyWords:
    """Shipped STOP/START lists unless SMS_STOP_WORDS / SMS_START_WORDS replace them."""
    shipped = load_reply_words()
    stop = parse_word_list(get("SMS_STOP_WORDS"))
    start = parse_word_list(get("SMS_START_WORDS"))
    if stop is None and start is None:
        return shipped
    return ReplyWords.from_lists(stop or shipped.stop, start or shipped.start)


def build_setup(runtime: Runtime, config: Mapping[str, Any] | None = None) -> SmsSetup:
    """Build the SMS setup from configuration (a mapping may hand in a ready SMS_GATEWAY_OBJECT)."""
    config = config or {}
    get = _lookup(config, runtime)
    receipt_secret = check_secret(
        "SMS_RECEIPT_SECRET", get("SMS_RECEIPT_SECRET"), runtime.settings, DEV_RECEIPT_SECRET
    )
    gateway = config.get("SMS_GATEWAY_OBJECT") or build_gateway(
        {name: get(name) for name in _GATEWAY_NAMES} | {"SMS_RECEIPT_SECRET": receipt_secret}
    )
    if not config.get("SMS_GATEWAY_OBJECT"):
        _check_gateway_choice(get, runtime)
    cap = int(get("SMS_DAILY_CAP") or 0)
    return SmsSetup(
        gateway=gateway,
        quiet_hours=parse_quiet_hours(get("QUIET_HOURS")),
        daily_cap=cap if cap > 0 else None,
        policy=RetryPolicy(
            max_attempts=int(get("SMS_MAX_ATTEMPTS") or 6),
            base_seconds=float(get("SMS_RETRY_BASE_SECONDS") or 30),
            cap_seconds=float(get("SMS_RETRY_CAP_SECONDS") or 3600),
        ),
        words=_words(get),
        catalogue=default_catalogue(),
        plan=PlanSettings(due_targets_from_config({name: get(name) for name in DUE_DAYS_ENV})),
        receipt_secret=receipt_secret,
        claim_seconds=float(get("SMS_CLAIM_SECONDS") or 60),
        batch=int(get("SMS_SEND_BATCH") or 20),
        rand=config.get("SMS_RANDOM") or random.random,
    )


def _check_gateway_choice(get: Callable[[str], str | None], runtime: Runtime) -> None:
    """Outside the embedded local run the gateway is chosen explicitly, and it is not console."""
    if runtime.settings.embedded:
        return
    if (get("SMS_GATEWAY") or "console").strip().lower() == "console":
        raise ConfigError(
            "SMS_GATEWAY must name a real gateway (for example `http`) when the service runs "
            "on a real database or broker: the console gateway only writes SMS to the log, "
            "so no family would ever receive one."
        )


_GATEWAY_NAMES = (
    "SMS_GATEWAY",
    "SMS_HTTP_URL",
    "SMS_HTTP_TOKEN",
    "SMS_HTTP_FORMAT",
    "SMS_HTTP_STATUS_URL",
    "SMS_HTTP_CONNECT_TIMEOUT",
    "SMS_HTTP_TIMEOUT",
    "SMS_HTTP_FIELDS",
    "SMS_SENDER_ID",
    *KANNEL_NAMES,
)

_SETUPS: weakref.WeakKeyDictionary[Runtime, SmsSetup] = weakref.WeakKeyDictionary()


def attach_setup(runtime: Runtime, config: Mapping[str, Any] | None = None) -> SmsSetup:
    """Wire the SMS setup to a runtime once (a later call with the same runtime keeps it)."""
    if runtime not in _SETUPS:
        _SETUPS[runtime] = build_setup(runtime, config)
    return _SETUPS[runtime]


def sms_setup(runtime: Runtime) -> SmsSetup:
    """Return the runtime's SMS setup, building it from configuration on first use."""
    return attach_setup(runtime)
