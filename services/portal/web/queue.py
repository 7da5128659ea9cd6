"""The phone's queue of registrations: a JSON endpoint that forwards each one to intake once."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain import registration as rules
from services.portal.domain.roles import REGISTERING_ROLES
from services.portal.web.errors import unavailable_message
from services.portal.web.forms import attach_list_errors, field_errors
from services.portal.web.guards import current_user, portal
from services.portal.web.messages import localise_all
from services.portal.web.registration import LOCAL_PROBLEMS, after_registration

bp = Blueprint("queue", __name__)
KEY = re.compile(r"^[A-Za-z0-9-]{16,100}$")


def _answer(status: str, http: int, **extra: Any):  # noqa: ANN202
    return jsonify({"status": status, **extra}), http


def _allowed():  # noqa: ANN202
    user = current_user()
    if user is None:
        return _answer("login", 401, message=_("Please log in again to send what is waiting."))
    if user.role not in REGISTERING_ROLES:
        return _answer("forbidden", 403, message=_("You are not allowed to register children."))
    return None


@bp.get("/children/queue/token")
def token():  # noqa: ANN201
    """A fresh CSRF token for the phone's sender (the cached form's one may be old)."""
    refused = _allowed()
    return refused or _answer("ok", 200, csrf_token=generate_csrf(), user=current_user().id)


@bp.post("/children/queue")
def enqueue():  # noqa: ANN201
    """Send one saved registration to intake with the Idempotency-Key made on the phone."""
    refused = _allowed()
    if refused:
        return refused
    key = request.headers.get("Idempotency-Key", "")
    payload = request.get_json(silent=True)
    if not KEY.match(key) or not isinstance(payload, dict):
        return _answer("needs_you", 400, kind="invalid", message=_("This registration is damaged."))
    form = MultiDict()
    for name, value in (payload.get("fields") or {}).items():
        for item in value if isinstance(value, list) else [value]:
            form.add(str(name), str(item))
    body, problems = rules.build_body(form, list(current_user().districts or []))
    if problems:
        errors = {name: [LOCAL_PROBLEMS[code]()] for name, code in problems.items()}
        return _answer("needs_you", 422, kind="fields", fields=errors)
    return _forward(body, key)


def _forward(body: dict, key: str):  # noqa: ANN202
    try:
        child = portal().apis.intake.post("/children", json=body, headers={"Idempotency-Key": key})
    except ApiUnavailable as error:
        return _answer("waiting", 503, message=unavailable_message(error.service))
    except ApiError as error:
        return _refusal(error)
    guardian = child.get("guardian") or {}
    return _answer(
        "sent",
        201,
        child_id=child.get("id"),
        next=after_registration(child),
        landline=guardian.get("sms_capable") is False,
    )


def _refusal(error: ApiError):  # noqa: ANN202
    if error.status == 409 and error.code == "likely_duplicate":
        return _answer(
            "needs_you", 409, kind="duplicate", candidates=error.details.get("candidates", [])
        )
    if error.status in (400, 422):
        errors = field_errors(error.fields)
        attach_list_errors(errors, ("screening.concerns",))
        return _answer(
            "needs_you",
            422,
            kind="fields",
            fields=localise_all(errors),
            message=_("Some answers need correcting."),
        )
    if error.status == 401:
        return _answer("login", 401, message=_("Please log in again to send what is waiting."))
    if error.status == 403:
        return _answer(
            "needs_you",
            403,
            kind="fields",
            fields={"child.district_code": [_("Choose one of your own districts.")]},
        )
    return _answer(
        "waiting",
        503,
        message=_("The server could not take it just now; it will be sent again by itself."),
    )
