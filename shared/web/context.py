"""The runtime of the app serving the current request."""

from __future__ import annotations

from flask import current_app

from shared.runtime import Runtime


def current_runtime() -> Runtime:
    """The runtime (database, clock, settings) of the app serving this request."""
    return current_app.extensions["runtime"]
