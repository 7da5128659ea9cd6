"""The HTTP session a gateway adapter keeps: connections reused, the environment read once."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

# What a gateway adapter passes; anything else goes the whole way through requests.
_DIRECT = frozenset({"params", "data", "json", "headers", "timeout", "allow_redirects"})


def _netrc_present() -> bool:
    if os.environ.get("NETRC"):
        return True
    home = Path.home()
    return (home / ".netrc").exists() or (home / "_netrc").exists()


class GatewaySession(requests.Session):
    """A keep-alive session whose calls go straight to its connection adapter.

    With the environment read once (no proxy, no .netrc), a call is prepared from its own
    arguments and the session's headers and handed to requests' adapter: the same request on
    the wire, the same connection pool, the same response and the same exceptions (a refused
    connection and a read timeout stay apart, which the sender's no-duplicate rule relies on).
    Left out are what a gateway does not use and what cost the SMS sender most of requests' own
    CPU: merging cookies, auth and settings, and hooks. No call follows a redirect unless it
    asks to, whichever way it goes: an SMS POST answered with a redirect is not sent again as a
    GET elsewhere, nor a Kannel sendsms GET to another address. The sender sees the 3xx, an
    unknown outcome, and asks the gateway (or waits for Kannel's delivery report) before any
    resend.
    """

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        # A gateway's answer is read as it comes: a redirect is followed only when asked for.
        kwargs.setdefault("allow_redirects", False)
        direct = _DIRECT.issuperset(kwargs) and not kwargs["allow_redirects"]
        if self.trust_env or not direct:
            return super().request(method, url, **kwargs)
        headers = CaseInsensitiveDict(self.headers)
        headers.update(kwargs.get("headers") or {})
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method.upper(),
            url=url,
            headers=headers,
            params=kwargs.get("params"),
            data=kwargs.get("data"),
            json=kwargs.get("json"),
        )
        adapter = self.get_adapter(prepared.url or url)
        response = adapter.send(
            prepared,
            stream=False,
            timeout=kwargs.get("timeout"),
            verify=self.verify,
            cert=self.cert,
            proxies={},
        )
        _ = response.content  # read now, as requests does unless streaming: the connection is free
        return response

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """GET, without requests' own default of following redirects."""
        return self.request("GET", url, params=params, **kwargs)


def gateway_session() -> requests.Session:
    """A keep-alive session for one gateway.

    requests reads the environment again for every call (proxies, no_proxy, .netrc, the CA
    bundle): a few per cent of the SMS sender's CPU, for settings that do not change while the
    worker runs. With no proxy and no .netrc configured, the session skips that, takes the CA
    bundle from the environment once and sends each call straight through its adapter
    (GatewaySession); with either configured, it reads them as requests always does.
    """
    session = GatewaySession()
    if not urllib.request.getproxies() and not _netrc_present():
        session.trust_env = False
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        session.verify = bundle or True
    return session
