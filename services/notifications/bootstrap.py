"""Notifications' composition root: the runtime plus the SMS setup (gateway, rules, secrets)."""

from __future__ import annotations

from typing import Any

from services.notifications.models import TABLES, Base
from services.notifications.settings import attach_setup
from shared.runtime import Runtime, build_runtime

SERVICE = "notifications"


def runtime_from(config: dict[str, Any] | None = None) -> Runtime:
    """Wire the notifications runtime and its SMS setup from the environment and a config mapping.

    Besides the environment names, a mapping may hand in `SMS_GATEWAY_OBJECT` (a ready gateway)
    and `SMS_RANDOM` (the jitter source) for tests.
    """
    runtime = build_runtime(SERVICE, Base.metadata, TABLES, config)
    attach_setup(runtime, config)
    return runtime
