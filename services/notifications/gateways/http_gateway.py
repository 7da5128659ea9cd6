"""Generic HTTP SMS gateway: JSON or form POST carrying our notification id as transaction id."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import requests

from ..domain.masking import mask_phones_in_text
from ..domain.retry import classify_status_code
from ..domain.status import DELIVERED, FAILED, map_receipt
from .base import (
    ACCEPTED,
    QUERY_ACCEPTED,
    QUERY_DELIVERED,
    QUERY_FAILED,
    QUERY_NOT_FOUND,
    QUERY_UNKNOWN,
    TRANSIENT,
    UNKNOWN,
    SendResult,
    StatusResult,
)

log = logging.getLogger("services.notifications.gateways.http")

DEFAULT_FIELDS = {
    "transaction_id": "transaction_id",
    "to": "to",
    "text": "text",
    "encoding": "encoding",
    "sender": "from",
}
_ID_KEYS = ("message_id", "msg_id", "id")


@dataclass(frozen=True)
class HttpGatewayConfig:
    """Where and how to POST; timeouts in seconds."""

    url: str
    token: str | None = None
    body_format: str = "json"
    status_url: str | None = None
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    sender: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))

    def __post_init__(self) -> None:
        if self.body_format not in ("json", "form"):
            raise ValueError("SMS_HTTP_FORMAT must be json or form")

    @property
    def resolved_status_url(self) -> str:
        """Return the status endpoint: configured, or `status` beside the send URL."""
        return self.status_url or urljoin(self.url, "status")


def parse_field_map(value: str | None) -> dict[str, str]:
    """Parse `to=phone,text=message` into our-name -> gateway-name, over the defaults."""
    mapping = dict(DEFAULT_FIELDS)
    for pair in (value or "").split(","):
        ours, _, theirs = pair.partition("=")
        if ours.strip() and theirs.strip():
            if ours.strip() not in DEFAULT_FIELDS:
                raise ValueError(f"unknown SMS_HTTP_FIELDS name {ours.strip()!r}")
            mapping[ours.strip()] = theirs.strip()
    return mapping


def _json(response: requests.Response) -> dict[str, Any]:
    """Return the JSON object of a response, or {} when there is none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _gateway_id(body: Mapping[str, Any]) -> str | None:
    """Find the gateway's own message id in an answer."""
    for key in _ID_KEYS:
        if body.get(key) not in (None, ""):
            return str(body[key])
    return None


def _is_duplicate(body: Mapping[str, Any]) -> bool:
    """Tell whether the gateway refused the transaction id as already known."""
    error = body.get("error")
    code = error.get("code") if isinstance(error, Mapping) else error
    return "duplicate" in str(code or body.get("code") or "").lower()


def _refused_before_sending(exc: requests.ConnectionError) -> bool:
    """Tell a refused connection (nothing sent) from one dropped mid-request (maybe sent)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason).__name__ in {"NewConnectionError", "NameResolutionError"}


class HttpGateway:
    """Send SMS through an HTTP API; a duplicate transaction id counts as accepted."""

    name = "http"

    def __init__(self, config: HttpGatewayConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self._session = session or requests.Session()

    @property
    def _timeout(self) -> tuple[float, float]:
        return (self.config.connect_timeout, self.config.read_timeout)

    def _headers(self) -> dict[str, str]:
        token = self.config.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _payload(self, message_id: str, to: str, text: str, encoding: str) -> dict[str, str]:
        ours = {"transaction_id": message_id, "to": to, "text": text, "encoding": encoding}
        if self.config.sender:
            ours["sender"] = self.config.sender
        return {self.config.fields.get(key, key): value for key, value in ours.items()}

    def send(self, message_id: str, to: str, text: str, encoding: str) -> SendResult:
        """POST one SMS; map the answer or the failure onto an outcome."""
        payload = self._payload(message_id, to, text, encoding)
        body_arg = {"json": payload} if self.config.body_format == "json" else {"data": payload}
        try:
            response = self._session.post(
                self.config.url, headers=self._headers(), timeout=self._timeout, **body_arg
            )
        except requests.ConnectionError as exc:
            outcome = TRANSIENT if _refused_before_sending(exc) else UNKNOWN
            return self._failed(message_id, outcome, exc)
        except requests.RequestException as exc:
            # A read timeout or a broken answer: the SMS may be on its way already.
            return self._failed(message_id, UNKNOWN, exc)
        return self._result(message_id, response)

    def _result(self, message_id: str, response: requests.Response) -> SendResult:
        body = _json(response)
        outcome = ACCEPTED if _is_duplicate(body) else classify_status_code(response.status_code)
        detail = f"HTTP {response.status_code}"
        if outcome != ACCEPTED:
            detail = f"{detail} {mask_phones_in_text(response.text[:200])}".strip()
            log.warning("sms %s not accepted: %s", message_id, detail)
        return SendResult(outcome, gateway_message_id=_gateway_id(body), detail=detail)

    def _failed(self, message_id: str, outcome: str, exc: Exception) -> SendResult:
        detail = f"{type(exc).__name__}: {mask_phones_in_text(str(exc))[:200]}"
        log.warning("sms %s: %s (%s)", message_id, outcome, detail)
        return SendResult(outcome, detail=detail)

    def query_status(self, message_id: str) -> StatusResult:
        """GET the status of a transaction; 404 means the gateway never received it."""
        key = self.config.fields.get("transaction_id", "transaction_id")
        try:
            response = self._session.get(
                self.config.resolved_status_url,
                params={key: message_id},
                headers=self._headers(),
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            return StatusResult(QUERY_UNKNOWN, detail=type(exc).__name__)
        if response.status_code == 404:
            return StatusResult(QUERY_NOT_FOUND)
        if response.status_code != 200:
            return StatusResult(QUERY_UNKNOWN, detail=f"HTTP {response.status_code}")
        body = _json(response)
        return StatusResult(_query_status(body.get("status")), gateway_message_id=_gateway_id(body))


def _query_status(word: Any) -> str:
    """Map the gateway's status word onto what the sender needs to know."""
    try:
        receipt = map_receipt(str(word or ""))
    except ValueError:
        return QUERY_UNKNOWN
    if receipt.status == DELIVERED:
        return QUERY_DELIVERED
    if receipt.status == FAILED:
        return QUERY_FAILED
    return QUERY_ACCEPTED if receipt.status else QUERY_UNKNOWN
