"""Notifications's HTTP API: gunicorn "services.notifications.app:create_app()"."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.notifications.api import BLUEPRINTS
from services.notifications.bootstrap import runtime_from
from shared.web import build_app


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the notifications app; config overrides environment names or Flask settings."""
    return build_app(
        runtime_from(config), title="Notifications API", blueprints=BLUEPRINTS, config=config
    )
