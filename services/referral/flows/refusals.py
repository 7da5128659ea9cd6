"""A request the service refuses, with the HTTP status and code the API answers."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A use case said no; nothing it did is kept (the unit of work rolls back)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.details = details
