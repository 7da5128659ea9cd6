"""Checks before any view runs: the body's type and size, the token, the declared roles."""

from __future__ import annotations

import time
import uuid

from flask import Flask, Response, g, request

from shared.auth import current_principal, declared_roles, require_role
from shared.web.errors import json_error
from shared.web.parsing import unstorable


def install_guards(app: Flask) -> None:
    """Refuse bad bodies (400/413/415), then a missing token (401), then a wrong role (403)."""

    @app.before_request
    def _check_body() -> Response | None:
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        if any(unstorable(v) for v in request.args.values()):
            return json_error(400, "a query parameter holds a NUL or an unpaired surrogate")
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
            return json_error(413, f"the request body is larger than {limit} bytes")
        request._cached_data = data  # what get_data() and the JSON parser will read
        has_body = bool(data)
    else:
        has_body = (request.content_length or 0) > 0
    if has_body and not request.is_json:
        return json_error(415, "send the request body as application/json")
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
