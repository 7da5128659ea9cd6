"""The portal's pages: every blueprint module named here is registered by register(app)."""

from __future__ import annotations

import importlib
import logging

from flask import Flask

log = logging.getLogger(__name__)

# Modules that define `bp` (a flask.Blueprint). Add a page module here to publish it.
BLUEPRINTS = [
    "services.portal.web.health",
    "services.portal.web.accounts",
    "services.portal.web.home",
    "services.portal.web.registration",
    "services.portal.web.queue",
    "services.portal.web.registrations",
    "services.portal.web.admin",
    "services.portal.web.offline",
    "services.portal.web.casework_worklist",
    "services.portal.web.casework_children",
    "services.portal.web.casework_assessments",
    "services.portal.web.casework_referrals",
    "services.portal.web.casework_corrections",
    "services.portal.web.provider_referrals",
    "services.portal.web.provider_places",
    "services.portal.web.dashboard",
    "services.portal.web.dashboard_downloads",
    "services.portal.web.admin_providers",
    "services.portal.web.quality",
    "services.portal.web.quality_followup",
    "services.portal.web.quality_admin",
    "services.portal.web.reports_commissioning",
    "services.portal.web.care_plans",
]
# Pages being written in parallel may not exist yet: a missing one is skipped, not fatal.
OPTIONAL_PREFIX = "services.portal.web.casework_"


def register(app: Flask) -> None:
    """Import each module of BLUEPRINTS and register its `bp`."""
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name.startswith(OPTIONAL_PREFIX) and exc.name == name:
                continue
            raise
        app.register_blueprint(module.bp)
