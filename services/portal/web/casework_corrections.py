"""Correcting a child's date of birth, sex or district, with the reason (contract §7)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError
from services.portal.views import district_choices
from services.portal.web.casework_common import api_field_errors, apis, required, template_helpers
from services.portal.web.forms import form_date
from services.portal.web.guards import roles_required

bp = Blueprint("casework_corrections", __name__)
CORRECTING_ROLES = ("case_manager", "admin")
FIELDS = ("date_of_birth", "sex", "district_code")


def _changes(form: Any, child: dict) -> tuple[dict, dict[str, list[str]]]:
    """Return the changed fields (as the API wants them) and what the person must fix."""
    errors: dict[str, list[str]] = {}
    wanted = {name: (form.get(f"child.{name}") or "").strip() for name in FIELDS}
    if wanted["date_of_birth"]:
        parsed = form_date(wanted["date_of_birth"])
        if parsed is None:
            errors["child.date_of_birth"] = [_("Write the date like 25.04.2023.")]
        wanted["date_of_birth"] = parsed or ""
    changes = {k: v for k, v in wanted.items() if v and v != (child.get(k) or "")}
    if not changes and not errors:
        errors["_form"] = [_("Nothing is changed. Change at least one detail.")]
    if not (form.get("reason") or "").strip():
        errors["reason"] = [_("Write why the details are corrected.")]
    return changes, errors


def _render(child_id: str, record: dict, form: Any, errors: dict, status: int = 200):  # noqa: ANN202
    page = render_template(
        "casework/correct.html", child_id=child_id, record=record, form=form,
        errors=errors, districts=district_choices(),
    )  # fmt: skip
    return page, status


@bp.route("/children/<uuid:child_id>/correct", methods=["GET"])
@roles_required(*CORRECTING_ROLES)
def form(child_id: Any):  # noqa: ANN201
    """Show the correction form filled with today's details."""
    record = required(lambda: apis().intake.get(f"/children/{child_id}"))
    return _render(str(child_id), record, {}, {})


@bp.route("/children/<uuid:child_id>/correct", methods=["POST"])
@roles_required(*CORRECTING_ROLES)
def correct(child_id: Any):  # noqa: ANN201
    """Send the correction with its reason; show the API's answer if it refuses."""
    record = required(lambda: apis().intake.get(f"/children/{child_id}"))
    changes, errors = _changes(request.form, record.get("child") or {})
    if not errors:
        body = {"child": changes, "reason": request.form["reason"].strip()}
        try:
            apis().intake.patch(f"/children/{child_id}", json=body)
        except ApiError as error:
            if error.status not in (403, 409, 422):
                raise
            errors = api_field_errors(error.fields, error.message)
            errors.setdefault("_form", [error.message] if error.message else [])
    if errors:
        return _render(str(child_id), record, request.form, errors, 422)
    return redirect(url_for("casework_children.show", child_id=child_id, done="corrected"), 303)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()
