"""Inspections: inspectors record them against the standard in force; providers answer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain.dates import parse_date
from services.portal.domain.inspection_form import (
    Texts,
    action_rows,
    api_fields_onto_form,
    read_form,
)  # fmt: skip
from services.portal.web.casework_common import apis
from services.portal.web.errors import unavailable_message
from services.portal.web.guards import current_user, roles_required
from services.portal.web.quality_common import (
    ACTION_STATUS,
    INSPECTORS,
    LEVEL_NAMES,
    RATING_NAMES,
    READERS,
    api_refusal,
    date_error,
    every,
    not_saved,
    provider_choices,
    provider_names,
    service_type_choices,
    service_type_name,
    today,
)  # fmt: skip

bp = Blueprint("quality", __name__)


def _words() -> dict:
    return {
        "levels": LEVEL_NAMES, "ratings": RATING_NAMES, "action_status": ACTION_STATUS,
        "type_name": service_type_name,
    }  # fmt: skip


@bp.get("/inspections")
@roles_required(*READERS)
def inspections():  # noqa: ANN201
    """Inspections newest first (a provider sees only its own, as the API scopes them)."""
    notices, items = [], []
    try:
        items = every(apis().quality, "/inspections")
    except ApiUnavailable as error:
        notices.append(unavailable_message(error.service))
    return render_template(
        "quality/inspections.html", items=items, names=provider_names(notices), notices=notices,
        **_words(),
    )  # fmt: skip


@bp.get("/inspections/new")
@roles_required(*INSPECTORS)
def new():  # noqa: ANN201
    """Step one: provider, service type and date; step two: the criteria of the version."""
    form = request.args
    if not any(name in form for name in ("provider_id", "service_type", "inspected_on")):
        return _render_new({}, {})
    errors = _first_step_errors(form)
    if errors:
        return _render_new(form, errors, status=422)
    return _render_new(form, {})


@bp.post("/inspections/new")
@roles_required(*INSPECTORS)
def create():  # noqa: ANN201
    """Check the ratings on the page, then record the inspection through the quality API;
    "add another action" shows one more empty action row and sends nothing."""
    form = request.form.to_dict()
    errors = _first_step_errors(form)
    if errors:
        return _render_new(form, errors, status=422)
    standard = _standard_in_force(form["service_type"], form["inspected_on"])
    if standard is None:
        return _render_new(form, _no_standard(), status=422)
    if form.get("add") == "action":
        form["action_rows"] = str(action_rows(form) + 1)
        return _render_new(form, {}, standard=standard)
    body, errors = read_form(form, standard, parse_date(form["inspected_on"]), _texts())
    if errors:
        return _render_new(form, errors, status=422, standard=standard)
    try:
        made = apis().quality.post("/inspections", json=body)
    except ApiError as error:
        refused = api_refusal(error)
        if refused is None:
            notices, status = not_saved(error)
            return _render_new(form, {}, status, standard, notices=notices)
        mapped = api_fields_onto_form(refused, form, standard)
        return _render_new(form, mapped, status=422, standard=standard)
    except ApiUnavailable as error:
        notices, status = not_saved(error)
        return _render_new(form, {}, status, standard, notices=notices)
    flash(("success", _("The inspection is recorded. The provider sees it and its actions.")))
    return redirect(url_for("quality.inspection", inspection_id=made["id"]), 303)


def _first_step_errors(form) -> dict[str, list[str]]:  # noqa: ANN001
    errors: dict[str, list[str]] = {}
    if not form.get("provider_id"):
        errors["provider_id"] = [_("Choose the provider you inspected.")]
    if form.get("service_type") not in dict(service_type_choices()):
        errors["service_type"] = [_("Choose the service you inspected.")]
    day = parse_date(form.get("inspected_on", ""))
    if day is None:
        errors["inspected_on"] = [date_error()]
    elif day > today():
        errors["inspected_on"] = [_("The inspection date cannot be in the future.")]
    return errors


def _texts() -> Texts:
    return Texts(
        rate=_("Choose met, partly met or not met."),
        evidence=_("Write what you saw or read that shows this."),
        criterion=_("Choose the criterion this action puts right."),
        description=_("Say what the provider must do."),
        due_date=date_error(),
        due_before=_("The due date cannot be before the inspection."),
    )


def _no_standard() -> dict[str, list[str]]:
    return {"service_type": [_("No standard of this service was in force on that date.")]}


def _standard_in_force(service_type: str, day_text: str) -> dict | None:
    day = parse_date(day_text)
    params = {"service_type": service_type, "on": day.isoformat()}
    found = apis().quality.get("/standards", params=params).get("items", [])
    return found[0] if found else None


def _render_new(  # noqa: ANN202
    form, errors, status: int = 200, standard: dict | None = None,  # noqa: ANN001
    notices: list[str] | None = None,
):  # fmt: skip
    if standard is None and form.get("provider_id") and not errors:
        standard = _standard_in_force(form["service_type"], form["inspected_on"])
        if standard is None:
            errors, status = _no_standard(), 422
    notices = list(notices or [])
    names = provider_names(notices)
    page = render_template(
        "quality/new.html", form=form, errors=errors, standard=standard, notices=notices,
        providers=provider_choices(names), types=service_type_choices(),
        action_rows=range(action_rows(form)), **_words(),
    )  # fmt: skip
    return page, status


@bp.get("/inspections/<uuid:inspection_id>")
@roles_required(*READERS)
def inspection(inspection_id):  # noqa: ANN001, ANN201
    """The score, each criterion as found, and the required actions with their answers."""
    return render_inspection(str(inspection_id), {}, {})


def render_inspection(inspection_id: str, form, errors, status: int = 200, notices=()):  # noqa: ANN001, ANN201
    """The inspection's page, with a form's values and errors (or notices) when one was
    refused."""
    try:
        found = apis().quality.get(f"/inspections/{inspection_id}")
    except ApiError as error:
        if error.status == 404:
            abort(404)
        raise
    texts = _criteria_texts(found["standard_id"])
    page = render_template(
        "quality/inspection.html", inspection=found, texts=texts, form=form, errors=errors,
        notices=list(notices),
        provider_name=provider_names().get(found["provider_id"], ""),
        role=current_user().role, **_words(),
    )  # fmt: skip
    return page, status


def _criteria_texts(standard_id: str) -> dict[str, str]:
    try:
        standard = apis().quality.get(f"/standards/{standard_id}")
    except (ApiError, ApiUnavailable):
        return {}
    return {c["code"]: c["text"] for c in standard.get("criteria", [])}
