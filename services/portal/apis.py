"""Clients of the five APIs: pooled connections, timeouts, short-lived tokens, clear errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from requests.adapters import HTTPAdapter

from services.portal.settings import PortalSettings

log = logging.getLogger(__name__)
SERVICES = ("intake", "assessment", "referral", "notifications", "quality")


class ApiError(Exception):
    """An API answered 4xx/5xx with the contract's error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict | None = None,
        details: dict | None = None,
        service: str = "",
    ) -> None:
        super().__init__(f"{service} {status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.details = details or {}
        self.service = service


class ApiUnavailable(Exception):
    """An API could not be reached (refused, timed out, or answered something not JSON)."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} is not reachable")
        self.service = service


@dataclass(frozen=True)
class Caller:
    """Whose claims the token carries."""

    sub: str
    role: str
    districts: tuple[str, ...] = ()
    provider_id: str | None = None


def sign_token(caller: Caller, secret: str, issuer: str, lifetime: int) -> str:
    """Return a short-lived HS256 token with the caller's claims (contract §2)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": caller.sub,
        "role": caller.role,
        "districts": list(caller.districts),
        "iat": now,
        "exp": now + lifetime,
        "iss": issuer,
    }
    if caller.provider_id:
        claims["provider_id"] = caller.provider_id
    return jwt.encode(claims, secret, algorithm="HS256")


class ServiceClient:
    """One API: get/post/patch returning parsed JSON, or raising ApiError / ApiUnavailable."""

    def __init__(
        self,
        service: str,
        base_url: str,
        http: requests.Session,
        token: Callable[[], str | None],
        timeout: float,
    ) -> None:
        self.service, self.base_url, self.http = service, base_url.rstrip("/"), http
        self._token, self.timeout = token, timeout

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Any:
        """GET a path; None values in params are left out."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        return self.request("GET", path, params=clean, headers=headers)

    def post(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        """POST a JSON body."""
        return self.request("POST", path, json={} if json is None else json, headers=headers)

    def patch(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        """PATCH a JSON body."""
        return self.request("PATCH", path, json={} if json is None else json, headers=headers)

    def put(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        """PUT a JSON body (the whole record again)."""
        return self.request("PUT", path, json={} if json is None else json, headers=headers)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request with the caller's token and map failures onto the two errors."""
        headers = {"Accept": "application/json", **(kwargs.pop("headers", None) or {})}
        token = self._token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.http.request(
                method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            log.warning("%s unreachable: %s", self.service, type(exc).__name__)
            raise ApiUnavailable(self.service) from exc
        return self._parse(response)

    def _parse(self, response: requests.Response) -> Any:
        try:
            body = response.json() if response.content else {}
        except ValueError as exc:
            if response.ok:
                return response.text
            raise ApiUnavailable(self.service) from exc
        if response.ok:
            return body
        if response.status_code in (502, 503, 504) and not isinstance(body, dict):
            raise ApiUnavailable(self.service)
        error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
        details = {k: v for k, v in error.items() if k not in ("code", "message", "fields")}
        raise ApiError(
            response.status_code,
            error.get("code", "error"),
            error.get("message", ""),
            error.get("fields") or {},
            details,
            self.service,
        )


class ApiClients:
    """The five API clients, sharing one connection pool, acting as the current user."""

    def __init__(
        self, settings: PortalSettings, caller: Callable[[], Caller | None] | None = None
    ) -> None:
        self.settings = settings
        self.caller = caller or (lambda: None)
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        timeout = settings.api_timeout_seconds
        for service in SERVICES:
            url = getattr(settings, f"{service}_url")
            setattr(self, service, ServiceClient(service, url, self.http, self._token, timeout))

    intake: ServiceClient
    assessment: ServiceClient
    referral: ServiceClient
    notifications: ServiceClient
    quality: ServiceClient

    def _token(self) -> str | None:
        caller = self.caller()
        if caller is None:
            return None
        s = self.settings
        return sign_token(caller, s.jwt_secret, s.jwt_issuer, s.api_token_seconds)

    def close(self) -> None:
        """Close pooled connections."""
        self.http.close()
