"""Calling the running platform's APIs as one of its users, and waiting for events to land."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from tests.e2e.wiring import Chain

HTTP_TIMEOUT = 20
EVENTS_TIMEOUT = 60.0  # the longest a step carried by events may take on a loaded machine


@dataclass
class Family:
    """A registered child and the guardian's phone, as a journey follows them."""

    child_id: str
    district: str
    given_name: str
    phone: str
    language: str
    body: dict[str, Any]


class Client:
    """HTTP calls with each user's own token; failures show the whole exchange."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.platform = chain.platform

    def call(
        self,
        service: str,
        method: str,
        path: str,
        role: str,
        *,
        districts=(),
        provider_id: str | None = None,
        expect=(200,),
        json: Any = None,
        params: dict | None = None,
    ) -> Any:
        """Send one request as a user; fail showing the whole exchange unless the status fits."""
        headers = self.platform.headers(role, districts, provider_id)
        url = self.platform.url(service, path)
        response = requests.request(
            method, url, json=json, params=params, headers=headers, timeout=HTTP_TIMEOUT
        )
        if response.status_code not in expect:
            raise AssertionError(
                f"{method} {service} {path} {params or ''} as {role} with {json!r}\n"
                f"answered {response.status_code} (expected {expect}): {response.text[:1200]}"
            )
        return response.json() if response.content else None

    def manager(self, family: Family, service: str, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request as the case manager of the child's district."""
        return self.call(service, method, path, "case_manager", districts=[family.district],
                         **kwargs)  # fmt: skip

    def wait(self, predicate: Callable[[], Any], message: str, timeout: float = EVENTS_TIMEOUT):
        """Poll until something carried by events has happened, and return it."""
        return self.platform.wait_for(predicate, timeout=timeout, message=message)
