"""What a phone keeps for working offline: the service worker, the manifest, the offline page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

bp = Blueprint("offline", __name__)
STATIC = Path(__file__).resolve().parent.parent / "static"


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so it may control every page."""
    text = (STATIC / "js" / "sw.js").read_text("utf-8")
    response = Response(text, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest: name, icon, start page."""
    body = render_template("manifest.webmanifest")
    return Response(body, mimetype="application/manifest+json")


@bp.get("/offline")
def offline_page() -> str:
    """Shown for pages that need the server when there is no connection."""
    return render_template("offline.html")


def static_version() -> str:
    """A version string that changes when a static file changes (cache names use it)."""
    newest = max((p.stat().st_mtime_ns for p in STATIC.rglob("*") if p.is_file()), default=0)
    return f"{newest:x}-{current_app.config.get('PORTAL_BUILD', '1')}"
