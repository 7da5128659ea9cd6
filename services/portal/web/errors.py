"""API failures and HTTP errors as pages a person can act on (never a trace or raw JSON)."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from services.portal.apis import ApiError, ApiUnavailable

log = logging.getLogger(__name__)


def service_name(service: str) -> str:
    """The name of a service as people know it, in the page's language."""
    names = {
        "intake": _("registration service"),
        "assessment": _("assessment service"),
        "referral": _("referral service"),
        "notifications": _("SMS service"),
        "quality": _("quality service"),
    }
    return names.get(service, service)


def unavailable_message(service: str) -> str:
    """Say that a service cannot be reached now, and that nothing is lost by waiting."""
    return _(
        "The %(service)s is not reachable just now. Nothing you entered is lost; "
        "please try again in a few minutes.",
        service=service_name(service),
    )


def api_error_message(error: ApiError) -> str:
    """Turn an API refusal into a sentence a person can act on."""
    if error.status == 401:
        return _("Your session has ended. Please log in again.")
    if error.status == 403:
        return _("You are not allowed to do this. Ask your supervisor if you think you should.")
    if error.status == 404:
        return _("This record was not found, or it is outside your districts.")
    if error.status == 409:
        return _("This conflicts with what is already recorded. Please check and try again.")
    if error.status in (400, 422):
        return _("Some answers need correcting. Please look at the marked fields.")
    return _("Something went wrong on the server. Please try again later.")


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message, status=status), status


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _http(error: HTTPException):  # noqa: ANN202
    if _wants_json():
        return {"error": {"code": error.name.lower().replace(" ", "_"), "message": ""}}, error.code
    titles = {
        403: (_("Not allowed"), _("This page is not part of your work in the portal.")),
        404: (_("Page not found"), _("The page you asked for does not exist.")),
        401: (_("Please log in"), _("Your session has ended. Please log in again.")),
    }
    title, message = titles.get(
        error.code,
        (
            _("Something went wrong"),
            _("The request could not be handled. Please go back and try again."),
        ),
    )
    return _page(error.code or 500, title, message)


def _csrf(error: CSRFError):  # noqa: ANN202
    if _wants_json():
        return {"error": {"code": "csrf", "message": "missing or invalid CSRF token"}}, 400
    return _page(
        400,
        _("The form has expired"),
        _("For your safety the form was not accepted. Please open the page again and resend it."),
    )


def _unavailable(error: ApiUnavailable):  # noqa: ANN202
    return _page(503, _("Service not reachable"), unavailable_message(error.service))


def _api(error: ApiError):  # noqa: ANN202
    log.info("API refused: %s %s %s", error.service, error.status, error.code)
    return _page(
        error.status if error.status < 500 else 502, _("Not done"), api_error_message(error)
    )


def _crash(error: Exception):  # noqa: ANN202
    log.exception("unhandled error on %s", request.path)
    return _page(
        500,
        _("Something went wrong"),
        _("Something went wrong on the server. Please try again later."),
    )


def init_errors(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(ApiUnavailable, _unavailable)
    app.register_error_handler(ApiError, _api)
    app.register_error_handler(Exception, _crash)
