"""Every operation a service's /openapi.json documents, ready to be called with chosen records."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from tests.security.expectations import (
    GATEWAY_OPERATIONS,
    KANNEL_OPERATIONS,
    OPEN_PATHS,
    RESOURCE_OF_SEGMENT,
)

METHODS = ("get", "post", "put", "patch", "delete")
_PARAM = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Operation:
    """One documented method on one path."""

    service: str
    method: str
    path: str
    query: tuple[str, ...]
    has_body: bool
    secured: bool

    @property
    def key(self) -> str:
        """The operation as the role table names it: `GET /children/{}`."""
        return f"{self.method} {_PARAM.sub('{}', self.path)}"

    @property
    def resource(self) -> str | None:
        """The kind of record the path names, if it names one."""
        segments = self.path.strip("/").split("/")
        found = None
        for before, segment in zip(["", *segments], segments, strict=False):
            if _PARAM.fullmatch(segment):
                found = RESOURCE_OF_SEGMENT.get(before)
        return found

    @property
    def mutates(self) -> bool:
        return self.method != "GET"

    def url(self, refs: dict[str, Any], query: dict[str, str] | None = None) -> str:
        """The path with each parameter replaced by the record refs names for its resource."""
        segments = self.path.strip("/").split("/")
        out = []
        for before, segment in zip(["", *segments], segments, strict=False):
            if _PARAM.fullmatch(segment):
                resource = RESOURCE_OF_SEGMENT.get(before)
                segment = str(refs.get(resource) or uuid.uuid4())
            out.append(segment)
        url = "/" + "/".join(out)
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return url


def operations(service: str, spec: dict[str, Any]) -> list[Operation]:
    """The operations of a document, the open health endpoints left out."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        if path in OPEN_PATHS:
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            query = tuple(p["name"] for p in parameters if p.get("in") == "query")
            security = operation.get("security", spec.get("security"))
            found.append(
                Operation(
                    service=service,
                    method=method.upper(),
                    path=path,
                    query=query,
                    has_body="requestBody" in operation,
                    secured=bool(security),
                )
            )
    return found


def user_operations(service: str, spec: dict[str, Any]) -> list[Operation]:
    """Operations called with a user's bearer token (not the SMS gateway's callbacks)."""
    callbacks = GATEWAY_OPERATIONS | KANNEL_OPERATIONS
    return [op for op in operations(service, spec) if op.key not in callbacks]
