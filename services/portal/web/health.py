"""/healthz, /readyz (the portal's own database only) and /metrics."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from services.portal.web.guards import csrf, portal

bp = Blueprint("health", __name__)
REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "portal_requests_total",
    "Pages and calls served",
    ["method", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "portal_request_seconds",
    "Time to answer",
    ["endpoint"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5),
)


@bp.get("/healthz")
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[dict, int]:
    """Ready when the portal's own database answers; the APIs being down only degrades pages."""
    try:
        portal().db.ping()
    except Exception as exc:  # any driver error means not ready
        return {"status": "unavailable", "database": type(exc).__name__}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format."""
    return Response(generate_latest(REGISTRY), mimetype="text/plain; version=0.0.4")


csrf.exempt(bp)


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    endpoint = request.endpoint or "unknown"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    if "started" in g:
        LATENCY.labels(endpoint).observe(time.perf_counter() - g.started)
    return response


def init_metrics(app: Flask) -> None:
    """Count and time every request."""
    app.before_request(_start)
    app.after_request(_finish)
