"""A gateway's HTTP session reads proxies, .netrc and the CA bundle from the environment: once
when none is configured, on every call as requests does when one is. Read once, its calls go
straight to requests' adapter: the same requests on the wire, no redirect followed."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from services.notifications.gateways import HttpGateway, HttpGatewayConfig
from services.notifications.gateways.base import UNKNOWN
from services.notifications.gateways.sessions import GatewaySession, gateway_session

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def plain_environment(monkeypatch, tmp_path):
    for name in (*PROXY_VARIABLES, "NETRC", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


def test_without_proxies_the_environment_is_read_once_and_the_ca_bundle_kept(
    plain_environment, tmp_path
):
    bundle = tmp_path / "ca.pem"
    plain_environment.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    session = gateway_session()
    assert session.trust_env is False
    assert session.verify == str(bundle)
    plain_environment.delenv("REQUESTS_CA_BUNDLE")
    assert gateway_session().verify is True


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "http_proxy"])
def test_a_configured_proxy_is_honoured_on_every_call(plain_environment, name):
    plain_environment.setenv(name, "http://proxy.example:3128")
    assert gateway_session().trust_env is True


def test_a_netrc_file_is_honoured(plain_environment, tmp_path):
    (tmp_path / ".netrc").write_text("machine sms.example login u password p\n")
    assert gateway_session().trust_env is True


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 with a JSON id, or a redirect under /moved; records every request."""

    seen: list[dict] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append({
            "method": self.command, "path": self.path,
            "body": self.rfile.read(length) if length else b"",
            "headers": {k.lower(): v for k, v in self.headers.items()},
        })  # fmt: skip
        if self.path.startswith("/moved"):
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"message_id": "gw-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def _calls(session, url):
    """What the gateway adapters send: a JSON POST, a form POST, a GET with a query."""
    auth = {"Authorization": "Bearer secret-token"}
    text = {"to": "+992931234567", "text": "Фарзона: арзёбӣ 01.12.2026"}
    answers = [
        session.post(f"{url}/sms", json=text, headers=auth, timeout=(1.0, 2.0)),
        session.post(f"{url}/sms", data=text, headers=auth, timeout=(1.0, 2.0)),
        session.get(f"{url}/status", params={"transaction_id": "n-1 ё"}, headers=auth, timeout=2),
    ]
    return [(a.status_code, a.json(), a.headers["Content-Type"]) for a in answers]


def test_the_gateway_session_sends_and_reads_what_requests_does(plain_environment, recorder):
    url, seen = recorder
    session = gateway_session()
    assert isinstance(session, GatewaySession) and session.trust_env is False
    plain = requests.Session()
    plain.trust_env = False

    assert _calls(session, url) == _calls(plain, url)

    ours, theirs = seen[:3], seen[3:]
    assert len(ours) == len(theirs) == 3
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine == reference  # method, path and query, body, every header
    assert ours[0]["headers"]["content-type"] == "application/json"
    assert ours[1]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert ours[2]["path"] == "/status?transaction_id=n-1+%D1%91"


def test_an_sms_post_answered_with_a_redirect_is_not_sent_again_elsewhere(
    plain_environment, recorder
):
    url, seen = recorder
    gateway = HttpGateway(HttpGatewayConfig(url=f"{url}/moved", token="secret-token"))

    result = gateway.send("n-1", "+992931234567", "Фарзона", "UCS-2")

    # Followed, the POST would have gone to /elsewhere as a GET, without the message.
    assert [request["path"] for request in seen] == ["/moved"]
    assert result.outcome == UNKNOWN  # asked about before any resend
    assert "HTTP 302" in result.detail


def test_a_call_with_other_settings_goes_the_whole_way_through_requests(
    plain_environment, recorder
):
    url, seen = recorder
    answer = gateway_session().post(f"{url}/moved", data={"a": "b"}, allow_redirects=True)
    assert answer.status_code == 200 and [r["path"] for r in seen] == ["/moved", "/elsewhere"]


@pytest.mark.parametrize("environment_each_call", [False, True])
def test_a_sendsms_get_answered_with_a_redirect_is_not_followed_either(
    plain_environment, recorder, environment_each_call
):
    url, seen = recorder
    session = gateway_session()
    session.trust_env = environment_each_call  # as with a proxy or .netrc configured

    answer = session.get(f"{url}/moved", params={"to": "+992931234567"}, timeout=(1.0, 2.0))

    # Followed, Kannel's sendsms (the SMS in its query) would go to another address.
    assert answer.status_code == 302
    assert [request["path"] for request in seen] == ["/moved?to=%2B992931234567"]
