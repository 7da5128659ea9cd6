"""Development gateway: writes each SMS as one JSON log line, the phone masked."""

from __future__ import annotations

import logging
import threading
import uuid

from shared.phones import mask_phone

from .base import ACCEPTED, QUERY_ACCEPTED, QUERY_NOT_FOUND, SendResult, StatusResult

log = logging.getLogger("services.notifications.sms")


class ConsoleGateway:
    """Log instead of sending; remembers transaction ids like a real gateway would."""

    name = "console"

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log
        self._accepted: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, message_id: str, to: str, text: str, encoding: str) -> SendResult:
        """Log the SMS once per transaction id and accept it."""
        with self._lock:
            known = self._accepted.get(message_id)
            if known is None:
                known = self._accepted[message_id] = f"console-{uuid.uuid4().hex[:12]}"
                line = {
                    "gateway": self.name,
                    "transaction_id": message_id,
                    "gateway_message_id": known,
                    "to": mask_phone(to),
                    "encoding": encoding,
                    # The text itself stays in the database (GET /notifications): it names the
                    # child, and log lines carry no personal data.
                    "characters": len(text),
                }
                # The platform's JSON formatter writes these fields into the one log line.
                self._log.info("sms", extra={"fields": line})
        return SendResult(ACCEPTED, gateway_message_id=known)

    def query_status(self, message_id: str) -> StatusResult:
        """Report accepted for a known transaction, not_found otherwise."""
        with self._lock:
            known = self._accepted.get(message_id)
        if known is None:
            return StatusResult(QUERY_NOT_FOUND)
        return StatusResult(QUERY_ACCEPTED, gateway_message_id=known)
