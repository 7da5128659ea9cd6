"""The registration form of a child: field errors, likely duplicates, the landline warning."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from services.portal.apis import ApiError
from services.portal.domain import registration as rules
from services.portal.domain.roles import REGISTERING_ROLES
from services.portal.web.choices import registration_choices
from services.portal.web.forms import attach_list_errors, field_errors
from services.portal.web.guards import current_user, portal, roles_required
from services.portal.web.messages import localise_all

bp = Blueprint("registration", __name__)
LOCAL_PROBLEMS = {
    rules.REQUIRED: lambda: _("Please fill this in."),
    rules.BAD_DATE: lambda: _("Write the date as dd.mm.yyyy, for example 12.04.2023."),
    rules.NOT_YOURS: lambda: _("Choose one of your own districts."),
    rules.CHOOSE: lambda: _("Please choose one of the options."),
}


def _districts() -> list[str]:
    return list(current_user().districts or [])


def render_form(form: Any = None, errors: dict | None = None, status: int = 200, **extra: Any):  # noqa: ANN201
    """Render the registration form with what was typed, its errors and any duplicates."""
    context = {
        "form": form if hasattr(form, "getlist") else MultiDict(form or {}),
        "errors": errors or {},
        "choices": registration_choices(_districts()),
        "idempotency_key": str(uuid.uuid4()),
        **extra,
    }
    return render_template("registration/form.html", **context), status


@bp.get("/children/new")
@roles_required(*REGISTERING_ROLES)
def new_child():  # noqa: ANN201
    """The empty registration form (also what the phone keeps for working offline)."""
    return render_form(
        {
            "guardian.language": "tg",
            "consent.data_sharing": "",
            "screening.source": _default_source(),
        }
    )


def _default_source() -> str:
    role = current_user().role
    return role if role in rules.SOURCES else ""


@bp.post("/children/new")
@roles_required(*REGISTERING_ROLES)
def register_child():  # noqa: ANN201
    """Send the registration to intake; show errors next to fields, or the likely duplicates."""
    form = request.form
    same = form.get("same_child", "")
    if same:
        flash(("info", _("Nothing new was registered: you chose the child already recorded.")))
        return redirect(_child_page(same), 303)
    body, problems = rules.build_body(form, _districts())
    if problems:
        errors = {name: [LOCAL_PROBLEMS[code]()] for name, code in problems.items()}
        return render_form(form, errors, 422)
    key = form.get("idempotency_key") or str(uuid.uuid4())
    try:
        child = portal().apis.intake.post(
            "/children", json=body, headers={"Idempotency-Key": key[:100]}
        )
    except ApiError as error:
        return _refused(form, error)
    return redirect(after_registration(child), 303)


def _child_page(child_id: str) -> str:
    from flask import current_app

    if "casework_children.child" in current_app.view_functions:
        return url_for("casework_children.child", child_id=child_id)
    return url_for("registrations.children")


def _refused(form: Any, error: ApiError):  # noqa: ANN202
    if error.status == 409 and error.code == "likely_duplicate":
        return render_form(form, {}, 409, candidates=error.details.get("candidates", []))
    if error.status == 403:
        return render_form(
            form, {"child.district_code": [_("Choose one of your own districts.")]}, 422
        )
    if error.status in (400, 422):
        errors = field_errors(error.fields)
        attach_list_errors(errors, ("screening.concerns",))
        errors = localise_all(errors)
        if not errors:
            errors = {
                "_form": [_("Some answers need correcting. Please look at the marked fields.")]
            }
        return render_form(form, errors, 422)
    raise error


def after_registration(child: dict) -> str:
    """The page that follows a registration: the list, saying what the worker must know.

    The notices travel in the address, not the session: a phone's background requests may
    write the session cookie at the same moment.
    """
    guardian = child.get("guardian") or {}
    notice = (
        "landline"
        if guardian.get("sms_capable") is False
        else ("no_sms" if guardian.get("sms_consent") is False else "")
    )
    return url_for("registrations.children", registered=child.get("id", ""), notice=notice or None)
