"""Request fields stricter than marshmallow's defaults, for JSON bodies."""

from __future__ import annotations

from typing import Any

from marshmallow import fields


class StrictBool(fields.Boolean):
    """A JSON true or false, nothing else (marshmallow also takes 0, 1, "yes", "on" …)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
