"""Every app's operations endpoints (health, readiness, metrics) and its request log."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request
from flask.views import MethodView
from marshmallow import Schema, fields

from shared.logging import log_context
from shared.metrics import Metrics
from shared.web.context import current_runtime
from shared.web.errors import ErrorSchema, error_body
from shared.web.parsing import Blueprint

# One logger for all of shared.web, as before it was split by concern.
log = logging.getLogger("shared.web")


def install_request_log(app: Flask, metrics: Metrics) -> None:
    """Log one JSON line per request and count it in the metrics."""

    @app.after_request
    def _log(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        metrics.observe_request(request.method, endpoint, response.status_code, elapsed)
        principal = g.get("principal")
        with log_context(request_id=g.get("request_id")):
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "path": endpoint,
                        "status": response.status_code,
                        "ms": round(elapsed * 1000, 1),
                        "role": principal.role if principal else None,
                        "sub": principal.sub if principal else None,
                    }
                },
            )
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


ops = Blueprint("ops", __name__, description="Health, readiness and metrics (no auth)")


class HealthSchema(Schema):
    status = fields.Str(required=True)
    service = fields.Str(required=True)
    checks = fields.Dict()


@ops.route("/healthz")
class Health(MethodView):
    @ops.doc(security=[])
    @ops.response(200, HealthSchema)
    def get(self):
        """Report that the process is alive."""
        return {"status": "ok", "service": current_runtime().settings.service}


@ops.route("/readyz")
class Ready(MethodView):
    @ops.doc(security=[])
    @ops.response(200, HealthSchema)
    @ops.alt_response(503, schema=ErrorSchema)
    def get(self):
        """Report whether the database and the broker answer (503 otherwise, see
        READINESS_REQUIRES)."""
        from shared.readiness import check_ready, required

        runtime = current_runtime()
        checks = check_ready(runtime)
        if all(v == "ok" for k, v in checks.items() if k in required(runtime)):
            return {"status": "ready", "service": runtime.settings.service, "checks": checks}
        failing = ", ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
        body = error_body(503, f"not ready ({failing})", "not_ready", checks=checks)
        return Response(json.dumps(body, ensure_ascii=False), 503, mimetype="application/json")


@ops.route("/metrics")
class MetricsView(MethodView):
    @ops.doc(
        security=[],
        responses={
            "200": {
                "description": "Prometheus text format",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    )
    def get(self):
        """Expose Prometheus metrics: requests, events, outbox lag."""
        from flask import current_app

        metrics: Metrics = current_app.extensions["platform_metrics"]
        return Response(metrics.render(current_runtime()), mimetype="text/plain; version=0.0.4")
