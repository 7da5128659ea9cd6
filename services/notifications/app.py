"""Notifications's HTTP API: gunicorn "services.notifications.app:create_app()"."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.notifications.api import BLUEPRINTS
from services.notifications.bootstrap import runtime_from
from services.notifications.metrics import SmsCollector
from services.notifications.resources.gateway import SECRET_HEADER
from shared.runtime import Runtime
from shared.web import build_app

DESCRIPTION = (
    "SMS to families (Tajik by default, Russian) and providers. Every text records its encoding "
    "(GSM-7 or UCS-2), characters and segments. Phones are always masked."
)


def create_app(config: dict[str, Any] | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Create the notifications app; config overrides environment names or Flask settings.

    Tests hand in a ready runtime (from runtime_from, with their gateway) to share it with a worker.
    """
    app = build_app(
        runtime or runtime_from(config),
        title="Notifications API",
        blueprints=BLUEPRINTS,
        config=config,
        description=DESCRIPTION,
    )
    app.extensions["platform_metrics"].registry.register(SmsCollector(app.extensions["runtime"]))
    app.extensions["platform_api"].spec.components.security_scheme(
        "gatewaySecret", {"type": "apiKey", "in": "header", "name": SECRET_HEADER}
    )
    app.extensions["platform_api"].spec.components.security_scheme(
        "kannelSecret", {"type": "apiKey", "in": "query", "name": "secret"}
    )
    return app
