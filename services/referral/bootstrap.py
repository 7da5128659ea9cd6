"""Referral's composition root."""

from __future__ import annotations

from typing import Any

from services.referral.flows import stages
from services.referral.models import TABLES, Base
from shared.runtime import Runtime, build_runtime

SERVICE = "referral"


def runtime_from(config: dict[str, Any] | None = None) -> Runtime:
    """Wire the referral runtime from the environment (and a test config mapping)."""
    runtime = build_runtime(SERVICE, Base.metadata, TABLES, config)
    # The report of every stage follows referral's own events in the transaction emitting them.
    runtime.emit_listeners.append(stages.record)
    return runtime
