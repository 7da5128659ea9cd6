"""A stand-in for the five APIs: answers set per method and path, every call recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.portal.apis import SERVICES, ApiError, ApiUnavailable

Answer = Any  # a value, an exception to raise, or a callable(json, params, headers) -> value


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    params: dict | None = None
    headers: dict = field(default_factory=dict)


class FakeService:
    """One API: `answer(method, path, value)` sets what it says; `calls` records requests."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.answers: dict[tuple[str, str], Answer] = {}
        self.calls: list[Call] = []
        self.down = False

    def answer(self, method: str, path: str, value: Answer) -> None:
        """Set the answer of one method and path."""
        self.answers[(method.upper(), path)] = value

    def _handle(self, method: str, path: str, json: Any, params: Any, headers: Any) -> Any:
        self.calls.append(Call(method, path, json, params, dict(headers or {})))
        if self.down:
            raise ApiUnavailable(self.name)
        value = self.answers.get((method, path))
        if value is None:
            raise ApiError(404, "not_found", "not found", service=self.name)
        if isinstance(value, Exception):
            raise value
        if callable(value):
            return value(json, params, headers or {})
        return value

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Any:
        return self._handle("GET", path, None, params, headers)

    def post(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        return self._handle("POST", path, json, None, headers)

    def patch(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        return self._handle("PATCH", path, json, None, headers)

    def put(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        return self._handle("PUT", path, json, None, headers)


class FakeApis:
    """The five fake APIs, shaped like services.portal.apis.ApiClients."""

    def __init__(self) -> None:
        self.caller: Callable[[], Any] | None = None
        for name in SERVICES:
            setattr(self, name, FakeService(name))

    intake: FakeService
    assessment: FakeService
    referral: FakeService
    notifications: FakeService
    quality: FakeService

    def close(self) -> None:
        """Nothing to close."""


def api_error(status: int, code: str, fields: dict | None = None, **details: Any) -> ApiError:
    """An ApiError as an API would raise it."""
    return ApiError(status, code, code.replace("_", " "), fields or {}, details, "intake")
