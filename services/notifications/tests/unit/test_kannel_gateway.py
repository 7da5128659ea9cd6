"""The Kannel adapter on its own: the sendsms query, and what each answer or failure means."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from services.notifications.domain.kannel import DLR_MASK, dlr_receipt
from services.notifications.gateways import build_gateway
from services.notifications.gateways.base import ACCEPTED, QUERY_UNKNOWN, TRANSIENT, UNKNOWN
from services.notifications.gateways.kannel import KannelConfig, KannelGateway

SECRET = "s3cret-for-kannel"
SETTINGS = {
    "SMS_GATEWAY": "kannel",
    "KANNEL_SENDSMS_URL": "http://127.0.0.1:9/cgi-bin/sendsms",
    "KANNEL_USERNAME": "platform",
    "KANNEL_PASSWORD": "pw-never-shown",
    "KANNEL_SENDER": "EarlyHelp",
    "KANNEL_CALLBACK_BASE_URL": "http://notifications:8004/",
    "SMS_RECEIPT_SECRET": SECRET,
}


def gateway(url: str = SETTINGS["KANNEL_SENDSMS_URL"], timeout: float = 1.0) -> KannelGateway:
    config = KannelConfig(
        sendsms_url=url, username="platform", password="pw-never-shown", sender="EarlyHelp",
        callback_base_url="http://notifications:8004/", secret=SECRET, read_timeout=timeout,
    )  # fmt: skip
    return KannelGateway(config)


def test_ucs2_text_goes_with_coding_2_and_utf8_charset():
    params = gateway().params("n-1", "+992931234567", "Салом, Фарзона!", "UCS-2")
    assert (params["coding"], params["charset"]) == ("2", "UTF-8")
    assert params["text"] == "Салом, Фарзона!" and params["to"] == "+992931234567"
    assert (params["from"], params["username"]) == ("EarlyHelp", "platform")


def test_gsm_text_goes_with_coding_0():
    assert gateway().params("n-1", "+992931234567", "Hello", "GSM-7")["coding"] == "0"


def test_the_delivery_report_url_carries_our_id_the_secret_and_kannels_status():
    params = gateway().params("n-1", "+992931234567", "Hello", "GSM-7")
    assert params["dlr-mask"] == str(DLR_MASK) == "31"
    url = urlparse(params["dlr-url"])
    assert (url.netloc, url.path) == ("notifications:8004", "/gateways/kannel/dlr")
    assert url.query.endswith("&status=%d")
    assert parse_qs(url.query)["id"] == ["n-1"] and parse_qs(url.query)["secret"] == [SECRET]


def test_a_secret_that_kannel_would_mangle_is_refused_at_start():
    with pytest.raises(ValueError, match="SMS_RECEIPT_SECRET"):
        build_gateway({**SETTINGS, "SMS_RECEIPT_SECRET": "a%2Fb+c"})


def test_missing_settings_are_named():
    with pytest.raises(ValueError, match="KANNEL_SENDER"):
        build_gateway({**SETTINGS, "KANNEL_SENDER": ""})


@pytest.mark.parametrize(
    ("dlr_type", "status"),
    [(1, "delivered"), (2, "failed"), (4, "sent"), (8, "sent"), (16, "failed")],
)
def test_delivery_report_types_map_onto_statuses(dlr_type, status):
    assert dlr_receipt(dlr_type).status == status


def test_an_unknown_delivery_report_type_is_refused():
    with pytest.raises(ValueError):
        dlr_receipt(3)


class _Kannel(BaseHTTPRequestHandler):
    answer = (202, b"0: Accepted for delivery")

    def do_GET(self):  # noqa: N802 - http.server's name
        status, body = self.answer
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def kannel_answering():
    def start(status: int, body: bytes) -> str:
        handler = type("Answer", (_Kannel,), {"answer": (status, body)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/cgi-bin/sendsms"

    servers: list[ThreadingHTTPServer] = []
    yield start
    for server in servers:
        server.shutdown()


def test_accepted_and_queued_answers_are_accepted(kannel_answering):
    for body in (b"0: Accepted for delivery", b"3: Queued for later delivery"):
        result = gateway(kannel_answering(202, body)).send("n", "+992931234567", "Hi", "GSM-7")
        assert result.outcome == ACCEPTED


def test_a_refused_account_is_retried_later_and_shows_no_password(kannel_answering):
    url = kannel_answering(403, b"Authorization failed for sendsms")
    result = gateway(url).send("n", "+992931234567", "Hi", "GSM-7")
    assert result.outcome == TRANSIENT and "403" in result.detail
    assert "pw-never-shown" not in result.detail


def test_smsbox_down_is_safe_to_retry():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once closed
    result = gateway(f"http://127.0.0.1:{port}/cgi-bin/sendsms").send("n", "+1", "Hi", "GSM-7")
    assert result.outcome == TRANSIENT


def test_no_answer_in_time_is_unclear_and_never_shows_the_url():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/cgi-bin/sendsms"
        result = gateway(url, timeout=0.3).send("n", "+992931234567", "Hi", "GSM-7")
    assert result.outcome == UNKNOWN
    assert "pw-never-shown" not in result.detail and "992931234567" not in result.detail


def test_kannel_cannot_be_asked_about_a_message():
    assert gateway().query_status("n-1").status == QUERY_UNKNOWN
