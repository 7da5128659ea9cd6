"""Generic HTTP SMS gateway: JSON or form POST carrying our notification id as transaction id."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from shared.phones import mask_phones_in_text

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
from .sessions import gateway_session

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
    def resolved_status_url(self) -> str | None:
        """Return the status endpoint: only as configured (SMS_HTTP_STATUS_URL), never guessed."""
        return self.status_url


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
        self._session = session or gateway_session()
        # Set once the status endpoint has answered a real transaction's status.
        self._status_verified = False
        self._last_accepted: str | None = None

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
        else:
            self._last_accepted = message_id
        return SendResult(outcome, gateway_message_id=_gateway_id(body), detail=detail)

    def _failed(self, message_id: str, outcome: str, exc: Exception) -> SendResult:
        detail = f"{type(exc).__name__}: {mask_phones_in_text(str(exc))[:200]}"
        log.warning("sms %s: %s (%s)", message_id, outcome, detail)
        return SendResult(outcome, detail=detail)

    def query_status(self, message_id: str) -> StatusResult:
        """GET the status of a transaction.

        A 404 means "never received" (safe to send again) only from a verified endpoint: one
        that answered in JSON and knows a transaction this gateway did send. A 404 of a wrong
        URL or of a proxy in front says nothing about the message, and a resend could be a
        second SMS, so it is "unknown".
        """
        if not self.config.resolved_status_url:
            return StatusResult(QUERY_UNKNOWN, detail="no SMS_HTTP_STATUS_URL configured")
        try:
            response = self._get_status(message_id)
        except requests.RequestException as exc:
            return StatusResult(QUERY_UNKNOWN, detail=type(exc).__name__)
        if response.status_code == 404:
            if _is_json_object(response) and self._status_endpoint_verified(message_id):
                return StatusResult(QUERY_NOT_FOUND)
            return StatusResult(QUERY_UNKNOWN, detail="HTTP 404 from an unverified status endpoint")
        if response.status_code != 200:
            return StatusResult(QUERY_UNKNOWN, detail=f"HTTP {response.status_code}")
        body = _json(response)
        status = _query_status(body.get("status"))
        if status != QUERY_UNKNOWN:
            self._status_verified = True  # it knows our transactions: its 404s can be believed
        return StatusResult(status, gateway_message_id=_gateway_id(body))

    def _get_status(self, message_id: str) -> requests.Response:
        key = self.config.fields.get("transaction_id", "transaction_id")
        return self._session.get(
            str(self.config.resolved_status_url),
            params={key: message_id},
            headers=self._headers(),
            timeout=self._timeout,
        )

    def _status_endpoint_verified(self, asked_about: str) -> bool:
        """True once the endpoint has reported a transaction this gateway accepted."""
        known = self._last_accepted
        if self._status_verified or not known or known == asked_about:
            return self._status_verified
        try:
            response = self._get_status(known)
        except requests.RequestException:
            return False
        if response.status_code == 200 and _query_status(_json(response).get("status")) != (
            QUERY_UNKNOWN
        ):
            self._status_verified = True
        return self._status_verified


def _is_json_object(response: requests.Response) -> bool:
    """True when a response carries a JSON object (the gateway's own answer, not a web page)."""
    try:
        return isinstance(response.json(), dict)
    except ValueError:
        return False


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
