"""HTTP plumbing every service shares: the error shape, health, readiness, metrics, OpenAPI."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any, NoReturn

import flask_smorest
from flask import Flask, Response, g, request
from flask.views import MethodView
from flask_smorest import Api, abort
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError

from shared.auth import current_principal, declared_roles, require_role
from shared.logging import log_context
from shared.metrics import Metrics
from shared.refusals import Refused
from shared.runtime import Runtime

log = logging.getLogger(__name__)
CONTRACT_VERSION = "1.1"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ErrorBodySchema(Schema):
    class Meta:
        unknown = INCLUDE  # details such as a 409's candidates stand beside code and message

    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields = fields.Dict(required=True)


class ErrorSchema(Schema):
    """Every 4xx/5xx body (contract §3)."""

    error = fields.Nested(ErrorBodySchema, required=True)


def error(
    status: int, message: str, *, code: str | None = None, fields: Any = None, **details: Any
) -> NoReturn:
    """Stop the request with the contract's error shape; details are added to the error object."""
    abort(status, message=message, code=code, errors=fields or {}, details=details)


class JsonParser(FlaskParser):
    """webargs' parser, with absurdly nested JSON treated as malformed rather than a crash.

    A schema given as a class is built once and reused: webargs would build it (and deep-copy
    every field of it and of its nested schemas) on every request. Loading keeps no state on
    the schema, so one instance serves every thread.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type, Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Any) -> Any:
        try:
            data = super()._raw_load_json(req)
        except RecursionError as exc:
            raise json.JSONDecodeError("JSON nested too deeply", "(nested)", 0) from exc
        if _has_unstorable_text(data):
            raise json.JSONDecodeError("text holds a NUL or an unpaired surrogate", "(text)", 0)
        return data


def _unstorable(text: str) -> bool:
    """NUL and lone UTF-16 surrogates cannot be stored as text (PostgreSQL, UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_unstorable_text(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class Blueprint(flask_smorest.Blueprint):
    """The blueprint of every service resource: flask-smorest's, parsing with `JsonParser`.

    A subclass rather than a change to flask-smorest's class, so importing this module changes
    nothing for other code in the process; `build_app` refuses any other blueprint class.
    """

    ARGUMENTS_PARSER = JsonParser()


def _flatten(messages: Any) -> dict[str, Any]:
    """webargs' {location: {field: [msgs]}} → {field: [msgs]}."""
    if not isinstance(messages, dict):
        return {"_schema": messages} if messages else {}
    out: dict[str, Any] = {}
    for location, value in messages.items():
        if location in ("json", "query", "form", "headers", "view_args", "path") and isinstance(
            value, dict
        ):
            out.update(value)
        elif location in ("json", "query", "form", "headers"):
            out["_body" if location == "json" else f"_{location}"] = value
        else:
            out[location] = value
    return out


def error_body(
    status: int, message: str, code: str | None = None, fields_: Any = None, **details: Any
) -> dict:
    """The JSON body of an error response."""
    body = {
        "code": code or ERROR_CODES.get(status, "error"),
        "message": message,
        "fields": fields_ or {},
    }
    body.update(details)
    return {"error": body}


class PlatformApi(Api):
    """flask-smorest's Api with the platform's error shape everywhere."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, exc: HTTPException):  # type: ignore[override]
        data = getattr(exc, "data", None) or {}
        status = exc.code or 500
        fields_ = _flatten(data.get("errors") or data.get("messages") or {})
        if status == 422 and not fields_:
            fields_ = {}
        message = data.get("message") or _default_message(status, exc, fields_)
        body = error_body(status, message, data.get("code"), fields_, **(data.get("details") or {}))
        headers = data.get("headers") or {}
        return body, status, headers


def _default_message(status: int, exc: HTTPException, fields_: dict) -> str:
    if status == 400 and "_body" in fields_:
        return "the request body is not valid JSON"
    if status == 422:
        return "some fields are invalid"
    if status >= 500:
        return "internal error" if status == 500 else (exc.description or "unavailable")
    return exc.description or exc.name


def _json_error(status: int, message: str, code: str | None = None) -> Response:
    return Response(
        json.dumps(error_body(status, message, code), ensure_ascii=False),
        status,
        mimetype="application/json",
    )


def refusal_body(exc: Refused) -> dict:
    """The contract's error body for a use case's refusal (contract §3)."""
    return error_body(exc.status, exc.message, exc.code, _flatten(exc.fields), **exc.details)


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(Refused)
    def _refused(exc: Refused) -> tuple[dict, int]:
        """Every use case's refusal reaches HTTP here, whichever service raised it."""
        return refusal_body(exc), exc.status

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Response:
        if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
            log.error("database unavailable", extra={"fields": {"error": type(exc).__name__}})
            return _json_error(
                503, "the database is unavailable; try again shortly", "database_unavailable"
            )
        if isinstance(exc, DataError):
            return _json_error(422, "a value cannot be stored as given", "invalid_value")
        if isinstance(exc, IntegrityError):
            return _json_error(409, "this conflicts with a record saved at the same moment")
        log.exception("database error")
        return _json_error(500, "internal error", "internal_error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return app.extensions["platform_api"].handle_http_exception(exc)
        log.exception("unhandled error")
        return _json_error(500, "internal error", "internal_error")

    @app.before_request
    def _check_body() -> Response | None:
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        if any(_unstorable(v) for v in request.args.values()):
            return _json_error(400, "a query parameter holds a NUL or an unpaired surrogate")
        if request.method in ("POST", "PUT", "PATCH"):
            refused = _refuse_body(app.config["MAX_CONTENT_LENGTH"])
            if refused is not None:
                return refused
        if not _is_public(app):
            current_principal()  # 401 before any body is parsed or validated
            _check_declared_roles(app)  # then 403, still before the body is validated
        return None


def _check_declared_roles(app: Flask) -> None:
    """Refuse a role the view method does not declare (allow_roles) before parsing its input."""
    view_class = getattr(app.view_functions.get(request.endpoint), "view_class", None)
    method = request.method.lower()
    handler = getattr(view_class, "get" if method == "head" else method, None)
    roles = declared_roles(handler)
    if roles is not None:
        require_role(*roles)


def _refuse_body(limit: int) -> Response | None:
    """415 for a body that is not JSON; 413 for one over the limit, chunked or not."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if chunked and request.content_length is None:
        data = request.environ["wsgi.input"].read(limit + 1)
        if len(data) > limit:
            return _json_error(413, f"the request body is larger than {limit} bytes")
        request._cached_data = data  # what get_data() and the JSON parser will read
        has_body = bool(data)
    else:
        has_body = (request.content_length or 0) > 0
    if has_body and not request.is_json:
        return _json_error(415, "send the request body as application/json")
    return None


PUBLIC_BLUEPRINTS = {"ops", "api-docs"}


def public(view_class: type) -> type:
    """Mark a resource as not needing a bearer token (it authenticates its callers itself)."""
    view_class.public = True  # type: ignore[attr-defined]
    return view_class


def _is_public(app: Flask) -> bool:
    if request.endpoint is None:
        return True  # 404/405: answered as such, without asking for a token
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return True
    view = app.view_functions.get(request.endpoint)
    return bool(getattr(getattr(view, "view_class", None), "public", False))


def _install_request_log(app: Flask, metrics: Metrics) -> None:
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
        return {"status": "ok", "service": _runtime().settings.service}


@ops.route("/readyz")
class Ready(MethodView):
    @ops.doc(security=[])
    @ops.response(200, HealthSchema)
    @ops.alt_response(503, schema=ErrorSchema)
    def get(self):
        """Report whether the database and the broker answer (503 otherwise, see
        READINESS_REQUIRES)."""
        from shared.readiness import check_ready, required

        checks = check_ready(_runtime())
        if all(v == "ok" for k, v in checks.items() if k in required(_runtime())):
            return {"status": "ready", "service": _runtime().settings.service, "checks": checks}
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
        return Response(metrics.render(_runtime()), mimetype="text/plain; version=0.0.4")


def _runtime() -> Runtime:
    from flask import current_app

    return current_app.extensions["runtime"]


def current_runtime() -> Runtime:
    """The runtime (database, clock, settings) of the app serving this request."""
    return _runtime()


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
    _install_error_handlers(app)
    _install_request_log(app, app.extensions["platform_metrics"])
    app.register_error_handler(InternalServerError, api.handle_http_exception)
    return app
