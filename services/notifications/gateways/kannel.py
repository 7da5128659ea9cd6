"""Kannel's sendsms interface: UCS-2 or GSM-7, our notification id in the delivery-report URL.

Kannel has no status query by our id, and a sendsms call that timed out may still go out (a
frozen bearerbox delivers it later). So a send without a clear answer is never repeated here:
the notification waits for the delivery report that carries our id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from shared.phones import mask_phones_in_text

from ..domain.kannel import DLR_MASK, coding_of, is_url_safe
from ..domain.retry import classify_status_code
from .base import ACCEPTED, QUERY_UNKNOWN, TRANSIENT, UNKNOWN, SendResult, StatusResult
from .sessions import gateway_session

log = logging.getLogger("services.notifications.gateways.kannel")

DLR_PATH = "/gateways/kannel/dlr"
# Kannel cannot be asked about a message; said when the wait for its report runs out.
NO_STATUS_QUERY = "Kannel cannot be asked and sent no delivery report; not sent again"


@dataclass(frozen=True)
class KannelConfig:
    """The KANNEL_* settings, the callbacks' shared secret and the timeouts in seconds."""

    sendsms_url: str
    username: str
    password: str
    sender: str
    callback_base_url: str
    secret: str
    connect_timeout: float = 3.0
    read_timeout: float = 10.0

    def __post_init__(self) -> None:
        if not is_url_safe(self.secret):
            raise ValueError(
                "SMS_RECEIPT_SECRET must use only letters, digits and - . _ ~ with Kannel "
                "(it travels in the delivery-report URL)"
            )

    def dlr_url(self, message_id: str) -> str:
        """The URL Kannel calls with each delivery report: our id, the secret, and `%d`."""
        query = urlencode({"secret": self.secret, "id": message_id})
        return f"{self.callback_base_url.rstrip('/')}{DLR_PATH}?{query}&status=%d"


def _refused(exc: requests.ConnectionError) -> bool:
    """Tell a refused connection (smsbox down, nothing sent) from one dropped mid-request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason).__name__ in {"NewConnectionError", "NameResolutionError"}


class KannelGateway:
    """Send through Kannel's smsbox; outcomes settle by delivery reports, not by queries."""

    name = "kannel"

    def __init__(self, config: KannelConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self._session = session or gateway_session()

    def params(self, message_id: str, to: str, text: str, encoding: str) -> dict[str, str]:
        """The sendsms query: text as UTF-8 with Kannel told which coding to send it in."""
        c = self.config
        return {
            "username": c.username,
            "password": c.password,
            "from": c.sender,
            "to": to,
            "text": text,
            "coding": str(coding_of(encoding)),
            "charset": "UTF-8",
            "dlr-mask": str(DLR_MASK),
            "dlr-url": c.dlr_url(message_id),
        }

    def send(self, message_id: str, to: str, text: str, encoding: str) -> SendResult:
        """GET sendsms once; a refused connection is safe to retry, a timeout is not."""
        try:
            response = self._session.get(
                self.config.sendsms_url,
                params=self.params(message_id, to, text, encoding),
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.ConnectionError as exc:
            if _refused(exc):
                return self._failed(message_id, TRANSIENT, "Kannel refused the connection")
            return self._failed(message_id, UNKNOWN, f"{type(exc).__name__} during sendsms")
        except requests.RequestException as exc:
            # No answer in time: Kannel may have the SMS already. Its delivery report decides.
            return self._failed(message_id, UNKNOWN, f"{type(exc).__name__} during sendsms")
        return self._result(message_id, response)

    def _result(self, message_id: str, response: requests.Response) -> SendResult:
        outcome = classify_status_code(response.status_code)
        answer = mask_phones_in_text(response.text.strip()[:200])
        detail = f"HTTP {response.status_code} {answer}".strip()
        if outcome != ACCEPTED:
            log.warning("sms %s not accepted by Kannel: %s", message_id, detail)
        return SendResult(outcome, detail=detail)

    def _failed(self, message_id: str, outcome: str, detail: str) -> SendResult:
        # The exception text would carry the sendsms URL: password, phone and text.
        log.warning("sms %s: %s (%s)", message_id, outcome, detail)
        return SendResult(outcome, detail=detail)

    def query_status(self, message_id: str) -> StatusResult:
        """Kannel cannot be asked: the outcome stays unclear until a delivery report comes."""
        return StatusResult(QUERY_UNKNOWN, detail=NO_STATUS_QUERY)


# Settings of this gateway (contract §8), plus the read timeout of a sendsms call.
KANNEL_NAMES = (
    "KANNEL_SENDSMS_URL",
    "KANNEL_USERNAME",
    "KANNEL_PASSWORD",
    "KANNEL_SENDER",
    "KANNEL_CALLBACK_BASE_URL",
    "KANNEL_TIMEOUT",
)
