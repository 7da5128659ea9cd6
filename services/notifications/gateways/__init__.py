"""SMS gateway adapters behind one interface, chosen by SMS_GATEWAY."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .base import SendResult, SmsGateway, StatusResult
from .console import ConsoleGateway
from .http_gateway import HttpGateway, HttpGatewayConfig, parse_field_map
from .kannel import KannelConfig, KannelGateway

__all__ = [
    "ConsoleGateway",
    "HttpGateway",
    "HttpGatewayConfig",
    "KannelConfig",
    "KannelGateway",
    "SendResult",
    "SmsGateway",
    "StatusResult",
    "build_gateway",
    "http_config_from",
    "kannel_config_from",
]


def http_config_from(config: Mapping[str, object]) -> HttpGatewayConfig:
    """Read the SMS_HTTP_* settings of the http gateway."""

    def text(name: str) -> str | None:
        value = config.get(name)
        return str(value) if value not in (None, "") else None

    url = text("SMS_HTTP_URL")
    if not url:
        raise ValueError("SMS_GATEWAY=http needs SMS_HTTP_URL")
    return HttpGatewayConfig(
        url=url,
        token=text("SMS_HTTP_TOKEN"),
        body_format=text("SMS_HTTP_FORMAT") or "json",
        status_url=text("SMS_HTTP_STATUS_URL"),
        connect_timeout=float(text("SMS_HTTP_CONNECT_TIMEOUT") or 3.0),
        read_timeout=float(text("SMS_HTTP_TIMEOUT") or 10.0),
        sender=text("SMS_SENDER_ID"),
        fields=parse_field_map(text("SMS_HTTP_FIELDS")),
    )


KANNEL_REQUIRED = (
    "KANNEL_SENDSMS_URL",
    "KANNEL_USERNAME",
    "KANNEL_PASSWORD",
    "KANNEL_SENDER",
    "KANNEL_CALLBACK_BASE_URL",
    "SMS_RECEIPT_SECRET",
)


def kannel_config_from(config: Mapping[str, object]) -> KannelConfig:
    """Read the KANNEL_* settings (and the callbacks' secret) of the kannel gateway."""
    values = {name: str(config.get(name) or "").strip() for name in KANNEL_REQUIRED}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ValueError(f"SMS_GATEWAY=kannel needs {', '.join(missing)}")
    return KannelConfig(
        sendsms_url=values["KANNEL_SENDSMS_URL"],
        username=values["KANNEL_USERNAME"],
        password=values["KANNEL_PASSWORD"],
        sender=values["KANNEL_SENDER"],
        callback_base_url=values["KANNEL_CALLBACK_BASE_URL"],
        secret=values["SMS_RECEIPT_SECRET"],
        read_timeout=float(str(config.get("KANNEL_TIMEOUT") or 10.0)),
    )


def build_gateway(config: Mapping[str, object], logger: logging.Logger | None = None) -> SmsGateway:
    """Build the gateway named by SMS_GATEWAY (default console)."""
    kind = str(config.get("SMS_GATEWAY") or "console").strip().lower()
    if kind == "console":
        return ConsoleGateway(logger)
    if kind == "http":
        return HttpGateway(http_config_from(config))
    if kind == "kannel":
        return KannelGateway(kannel_config_from(config))
    raise ValueError(f"unknown SMS_GATEWAY {kind!r}: use console, http or kannel")
