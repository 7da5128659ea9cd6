"""SMS gateway adapters behind one interface, chosen by SMS_GATEWAY."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .base import SendResult, SmsGateway, StatusResult
from .console import ConsoleGateway
from .http_gateway import HttpGateway, HttpGatewayConfig, parse_field_map

__all__ = [
    "ConsoleGateway",
    "HttpGateway",
    "HttpGatewayConfig",
    "SendResult",
    "SmsGateway",
    "StatusResult",
    "build_gateway",
    "http_config_from",
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


def build_gateway(config: Mapping[str, object], logger: logging.Logger | None = None) -> SmsGateway:
    """Build the gateway named by SMS_GATEWAY (default console)."""
    kind = str(config.get("SMS_GATEWAY") or "console").strip().lower()
    if kind == "console":
        return ConsoleGateway(logger)
    if kind == "http":
        return HttpGateway(http_config_from(config))
    raise ValueError(f"unknown SMS_GATEWAY {kind!r}: use console or http")
