"""A local stand-in for an HTTP SMS gateway, scriptable to fail, stall and refuse duplicates."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Accepted:
    """One transaction the stand-in accepted, i.e. one SMS that reached a phone network."""

    transaction_id: str
    message_id: str
    to: str
    text: str
    encoding: str
    status: str = "accepted"


@dataclass
class _Step:
    kind: str  # "status" answers with an HTTP error; "stall" accepts, then answers too late
    status: int = 500
    seconds: float = 0.0
    body: dict[str, Any] = field(default_factory=dict)


class FakeSmsGateway:
    """Serve POST /send and GET /status on 127.0.0.1 with a free port, in a thread."""

    def __init__(self, token: str | None = "test-token") -> None:
        self.token = token
        self.accepted: dict[str, Accepted] = {}
        self.requests: list[dict[str, str]] = []
        self._script: deque[_Step] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSmsGateway:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release stalled answers and shut the server down."""
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSmsGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Return the send endpoint."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/send"

    @property
    def status_url(self) -> str:
        """Return the status endpoint."""
        return self.url.rsplit("/", 1)[0] + "/status"

    # -- scripting -------------------------------------------------------------------------
    def fail_next(self, times: int = 1, status: int = 500, code: str = "smsc_down") -> None:
        """Answer the next `times` sends with an HTTP error, accepting nothing."""
        with self._lock:
            for _ in range(times):
                self._script.append(_Step("status", status=status, body={"error": {"code": code}}))

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Accept the next sends but answer only after `seconds` (past the client's timeout)."""
        with self._lock:
            for _ in range(times):
                self._script.append(_Step("stall", seconds=seconds))

    def set_status(self, transaction_id: str, status: str) -> None:
        """Change what a status query reports for a transaction (e.g. delivered)."""
        with self._lock:
            self.accepted[transaction_id].status = status

    def sent_to(self, phone: str) -> list[Accepted]:
        """Return the SMS accepted for one phone number."""
        with self._lock:
            return [item for item in self.accepted.values() if item.to == phone]

    # -- behaviour -------------------------------------------------------------------------
    def _next_step(self) -> _Step | None:
        with self._lock:
            return self._script.popleft() if self._script else None

    def handle_send(self, fields: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        """Return (HTTP status, body, seconds to stall) for one send request."""
        with self._lock:
            self.requests.append(dict(fields))
        step = self._next_step()
        if step is not None and step.kind == "status":
            return step.status, step.body, 0.0
        transaction_id = fields.get("transaction_id", "")
        to = fields.get("to", "")
        if not transaction_id or not to.startswith("+") or not to[1:].isdigit():
            return 400, {"error": {"code": "invalid_number"}}, 0.0
        with self._lock:
            known = self.accepted.get(transaction_id)
            if known is not None:
                body = {"error": {"code": "duplicate_transaction"}, "message_id": known.message_id}
                return 409, body, 0.0
            item = Accepted(
                transaction_id=transaction_id,
                message_id=f"gw-{uuid.uuid4().hex[:10]}",
                to=to,
                text=fields.get("text", ""),
                encoding=fields.get("encoding", ""),
            )
            self.accepted[transaction_id] = item
        stall = step.seconds if step is not None else 0.0
        return 200, {"message_id": item.message_id, "status": "accepted"}, stall

    def handle_status(self, transaction_id: str) -> tuple[int, dict[str, Any]]:
        """Return (HTTP status, body) for a status query."""
        with self._lock:
            item = self.accepted.get(transaction_id)
            if item is None:
                return 404, {"error": {"code": "not_found"}}
            return 200, {
                "transaction_id": transaction_id,
                "message_id": item.message_id,
                "status": item.status,
            }

    def wait_released(self, seconds: float) -> None:
        """Block a stalled answer until the delay passes or the server stops."""
        self._release.wait(seconds)


def _handler_for(gateway: FakeSmsGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            """Keep test output quiet."""

        def _authorised(self) -> bool:
            if gateway.token is None:
                return True
            return self.headers.get("Authorization") == f"Bearer {gateway.token}"

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _fields(self) -> dict[str, str]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                return {key: str(value) for key, value in json.loads(raw or "{}").items()}
            return {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            if urlparse(self.path).path != "/send":
                return self._answer(404, {"error": {"code": "no_such_endpoint"}})
            if not self._authorised():
                return self._answer(401, {"error": {"code": "bad_token"}})
            status, body, stall = gateway.handle_send(self._fields())
            if stall:
                gateway.wait_released(stall)
            # After a stall the client has usually given up waiting; that is the point.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(status, body)

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            if urlparse(self.path).path != "/status":
                return self._answer(404, {"error": {"code": "no_such_endpoint"}})
            if not self._authorised():
                return self._answer(401, {"error": {"code": "bad_token"}})
            query = parse_qs(urlparse(self.path).query)
            status, body = gateway.handle_status((query.get("transaction_id") or [""])[0])
            self._answer(status, body)

    return Handler
