"""The HTTP session a gateway adapter keeps: connections reused, the environment read once."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import requests


def _netrc_present() -> bool:
    if os.environ.get("NETRC"):
        return True
    home = Path.home()
    return (home / ".netrc").exists() or (home / "_netrc").exists()


def gateway_session() -> requests.Session:
    """A keep-alive session for one gateway.

    requests reads the environment again for every call (proxies, no_proxy, .netrc, the CA
    bundle): a few per cent of the SMS sender's CPU, for settings that do not change while the
    worker runs. With no proxy and no .netrc configured, the session skips that and takes the
    CA bundle from the environment once; with either configured, it reads them as requests
    always does.
    """
    session = requests.Session()
    if not urllib.request.getproxies() and not _netrc_present():
        session.trust_env = False
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        session.verify = bundle or True
    return session
