"""Intake's composition root."""

from __future__ import annotations

from typing import Any

from services.intake.models import TABLES, Base
from shared.config import load_settings
from shared.runtime import Runtime, build_runtime

SERVICE = "intake"


def runtime_from(config: dict[str, Any] | None = None) -> Runtime:
    """Wire the intake runtime from the environment (and a test config mapping)."""
    return build_runtime(SERVICE, Base.metadata, TABLES, config)


def operator_runtime() -> Runtime:
    """Wire the runtime of an operator's command on intake's database (the bulk importer).

    It checks no tokens and signs nothing, so unlike the API and the worker it needs no secrets.
    """
    return Runtime(load_settings(SERVICE), Base.metadata, TABLES)
