"""Referral's HTTP API: gunicorn "services.referral.app:create_app()"."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.referral.api import BLUEPRINTS
from services.referral.bootstrap import runtime_from
from shared.runtime import Runtime
from shared.web import build_app


def create_app(config: dict[str, Any] | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Create the referral app; config overrides environment names or Flask settings.

    Tests hand in a ready runtime to share it (and its clock) with a worker.
    """
    return build_app(
        runtime or runtime_from(config), title="Referral API", blueprints=BLUEPRINTS, config=config
    )
