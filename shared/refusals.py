"""A request a use case refuses: the contract's status, code, message and field messages.

Use cases raise `Refused` (or a subclass naming the rule); they never answer HTTP themselves.
One mapper in `shared.web` turns every refusal into the contract's error body (contract §3).
This module imports nothing from the web layer, so use cases stay free of Flask.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A use case said no; nothing it did is kept (the unit of work rolls back)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.details = details


def not_found_unless(allowed: bool, what: str = "record") -> None:
    """Refuse with 404 a record outside the caller's scope: never reveal that it exists."""
    if not allowed:
        raise Refused(404, "not_found", f"{what} not found")
