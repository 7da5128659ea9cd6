"""Quality's composition root."""

from __future__ import annotations

from typing import Any

from services.quality.models import TABLES, Base
from shared.runtime import Runtime, build_runtime

SERVICE = "quality"


def runtime_from(config: dict[str, Any] | None = None) -> Runtime:
    """Wire the quality runtime from the environment (and a test config mapping)."""
    return build_runtime(SERVICE, Base.metadata, TABLES, config)
