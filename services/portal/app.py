"""The portal: gunicorn "services.portal.app:create_app()" on port 8000."""

from __future__ import annotations

from flask import Flask

from services.portal import web
from services.portal.apis import ApiClients
from services.portal.bootstrap import build_portal
from services.portal.i18n import init_i18n
from services.portal.security import init_security
from services.portal.settings import PortalSettings
from services.portal.views import init_views
from services.portal.web.errors import init_errors
from services.portal.web.guards import api_caller, init_guards
from services.portal.web.health import init_metrics


def create_app(settings: PortalSettings | None = None, *, apis: ApiClients | None = None) -> Flask:
    """Create the portal app from the environment (or given settings and API clients)."""
    portal = build_portal(settings, apis=apis, caller=api_caller)
    settings = portal.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=256 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["portal"] = portal
    if apis is not None and hasattr(apis, "caller"):
        apis.caller = api_caller
    init_security(app, secure_cookies=settings.secure_cookies, idle_minutes=settings.idle_minutes)
    init_guards(app)
    init_i18n(app)
    init_views(app)
    init_errors(app)
    init_metrics(app)
    web.register(app)
    return app
