"""The notifications service's own settings: gateway, quiet hours, cap, retries, word lists."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

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
from shared.config import DEV_RECEIPT_SECRET, ConfigError, Settings, check_secret
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


def _lookup(settings: Settings) -> Callable[[str], str | None]:
    """Read a name from the settings (the environment as read at start), else its default."""

    def get(name: str) -> str | None:
        return settings.extra.get(name, DEFAULTS.get(name))

    return get


def _words(get: Callable[[str], str | None]) -> ReplyWords:
    """Shipped STOP/START lists unless SMS_STOP_WORDS / SMS_START_WORDS replace them."""
    shipped = load_reply_words()
    stop = parse_word_list(get("SMS_STOP_WORDS"))
    start = parse_word_list(get("SMS_START_WORDS"))
    if stop is None and start is None:
        return shipped
    return ReplyWords.from_lists(stop or shipped.stop, start or shipped.start)


def build_setup(
    settings: Settings,
    *,
    gateway: SmsGateway | None = None,
    rand: Callable[[], float] | None = None,
) -> SmsSetup:
    """Build the SMS setup from the settings, once, at start.

    Tests may hand in a ready gateway (then SMS_GATEWAY is not consulted) and the jitter source.
    """
    get = _lookup(settings)
    receipt_secret = check_secret(
        "SMS_RECEIPT_SECRET", get("SMS_RECEIPT_SECRET"), settings, DEV_RECEIPT_SECRET
    )
    if gateway is None:
        gateway = build_gateway(
            {name: get(name) for name in _GATEWAY_NAMES} | {"SMS_RECEIPT_SECRET": receipt_secret}
        )
        _check_gateway_choice(get, settings)
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
        rand=rand or random.random,
    )


def _check_gateway_choice(get: Callable[[str], str | None], settings: Settings) -> None:
    """Outside the embedded local run the gateway is chosen explicitly, and it is not console."""
    if settings.embedded:
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


def sms_setup(runtime: Runtime) -> SmsSetup:
    """The SMS setup the service's bootstrap built for this runtime."""
    setup = getattr(runtime, "sms", None)
    if not isinstance(setup, SmsSetup):
        raise TypeError(
            "this runtime has no SMS setup: build it with services.notifications.bootstrap"
        )
    return setup
