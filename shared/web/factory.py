"""The Flask app of a service: its blueprints plus the shared plumbing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import InternalServerError

from shared.metrics import Metrics
from shared.runtime import Runtime
from shared.web.errors import PlatformApi, install_error_handlers
from shared.web.guards import install_guards
from shared.web.ops import install_request_log, ops
from shared.web.parsing import Blueprint

CONTRACT_VERSION = "1.1"


def build_app(
    runtime: Runtime,
    *,
    title: str,
    blueprints: Iterable[Blueprint],
    config: dict[str, Any] | None = None,
    description: str = "",
) -> Flask:
    """The Flask app of a service: its blueprints plus the shared plumbing."""
    blueprints = list(blueprints)
    for blueprint in blueprints:
        if not isinstance(blueprint, Blueprint):
            raise TypeError(
                f"blueprint {getattr(blueprint, 'name', blueprint)!r} is a "
                f"{type(blueprint).__module__}.{type(blueprint).__qualname__}: create it with "
                "shared.web.Blueprint, which parses requests the platform's way"
            )
    settings = runtime.settings
    app = Flask(f"services.{settings.service}")
    # Tajik and Russian text stays readable in every answer (contract §7), sent as UTF-8.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(
        API_TITLE=title,
        API_VERSION=CONTRACT_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        JWT_SECRET=settings.jwt_secret,
        JWT_ISSUER=settings.jwt_issuer,
        JWT_MAX_LIFETIME_SECONDS=settings.jwt_max_lifetime_seconds,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
        },
    )
    app.config.update({k: v for k, v in (config or {}).items() if k.isupper()})
    app.extensions["runtime"] = runtime
    app.extensions["platform_metrics"] = Metrics(settings.service)
    api = PlatformApi(app)
    app.extensions["platform_api"] = api
    api.register_blueprint(ops)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    install_error_handlers(app)
    install_guards(app)
    install_request_log(app, app.extensions["platform_metrics"])
    app.register_error_handler(InternalServerError, api.handle_http_exception)
    return app
