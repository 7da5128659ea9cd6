"""The one small interface every SMS gateway adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..domain.retry import (
    ACCEPTED,
    PERMANENT,
    QUERY_ACCEPTED,
    QUERY_DELIVERED,
    QUERY_FAILED,
    QUERY_NOT_FOUND,
    QUERY_UNKNOWN,
    TRANSIENT,
    UNKNOWN,
)

__all__ = [
    "ACCEPTED",
    "PERMANENT",
    "QUERY_ACCEPTED",
    "QUERY_DELIVERED",
    "QUERY_FAILED",
    "QUERY_NOT_FOUND",
    "QUERY_UNKNOWN",
    "TRANSIENT",
    "UNKNOWN",
    "SendResult",
    "SmsGateway",
    "StatusResult",
]


@dataclass(frozen=True)
class SendResult:
    """Outcome of one send: accepted | transient_error | permanent_error | unknown."""

    outcome: str
    gateway_message_id: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class StatusResult:
    """What the gateway knows of a transaction: accepted|delivered|failed|not_found|unknown."""

    status: str
    gateway_message_id: str | None = None
    detail: str = ""


class SmsGateway(Protocol):
    """Send an SMS under our notification id, and ask about it later."""

    name: str

    def send(self, message_id: str, to: str, text: str, encoding: str) -> SendResult:
        """Hand one SMS to the gateway; `message_id` is the idempotency key."""
        ...

    def query_status(self, message_id: str) -> StatusResult:
        """Ask the gateway what became of a transaction (used after a timeout)."""
        ...
