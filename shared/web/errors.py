"""The contract's error shape (§3): the body, its schema, and the handlers answering with it."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, NoReturn

from flask import Flask, Response
from flask_smorest import Api, abort
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from shared.refusals import Refused

# One logger for all of shared.web, as before it was split by concern.
log = logging.getLogger("shared.web")

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


def flatten(messages: Any) -> dict[str, Any]:
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
    """flask-smorest's Api with the platform's error shape everywhere, and its OpenAPI paths
    written when the document is first asked for.

    Writing every view into the document (apispec resolving each marshmallow schema, deep
    copies of the views' documentation) was most of the cost of creating an app: each gunicorn
    worker paid it when it started or was recycled, and each test that makes an app paid it
    again, about a third of a service's test time. The routes are registered at once; only the
    document waits for `/openapi.json` (or `document()`).
    """

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register the blueprint's routes now and its views in the document later."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))
        self.spec.tag({"name": name, "description": blp.description})

    def document(self) -> Any:
        """The OpenAPI document with every registered view in it (written once)."""
        with self._documenting:
            pending, self._undocumented = self._undocumented, []
            for blp, name, parameters in pending:
                blp.register_views_in_doc(
                    self, self._app, self.spec, name=name, parameters=parameters
                )
        return self.spec

    def _openapi_json(self) -> Response:
        self.document()
        return super()._openapi_json()

    def handle_http_exception(self, exc: HTTPException):  # type: ignore[override]
        data = getattr(exc, "data", None) or {}
        status = exc.code or 500
        fields_ = flatten(data.get("errors") or data.get("messages") or {})
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


def json_error(status: int, message: str, code: str | None = None) -> Response:
    return Response(
        json.dumps(error_body(status, message, code), ensure_ascii=False),
        status,
        mimetype="application/json",
    )


def refusal_body(exc: Refused) -> dict:
    """The contract's error body for a use case's refusal (contract §3)."""
    return error_body(exc.status, exc.message, exc.code, flatten(exc.fields), **exc.details)


def install_error_handlers(app: Flask) -> None:
    """Answer refusals, database errors and anything unexpected in the contract's shape."""

    @app.errorhandler(Refused)
    def _refused(exc: Refused) -> tuple[dict, int]:
        """Every use case's refusal reaches HTTP here, whichever service raised it."""
        return refusal_body(exc), exc.status

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Response:
        if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
            log.error("database unavailable", extra={"fields": {"error": type(exc).__name__}})
            return json_error(
                503, "the database is unavailable; try again shortly", "database_unavailable"
            )
        if isinstance(exc, DataError):
            return json_error(422, "a value cannot be stored as given", "invalid_value")
        if isinstance(exc, IntegrityError):
            return json_error(409, "this conflicts with a record saved at the same moment")
        log.exception("database error")
        return json_error(500, "internal error", "internal_error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return app.extensions["platform_api"].handle_http_exception(exc)
        log.exception("unhandled error")
        return json_error(500, "internal error", "internal_error")
