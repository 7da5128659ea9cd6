"""A gateway's HTTP session reads proxies, .netrc and the CA bundle from the environment: once
when none is configured, on every call as requests does when one is."""

from __future__ import annotations

import pytest

from services.notifications.gateways.sessions import gateway_session

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
