"""/admin/standards and /admin/contracts: the ministry's specifications and what it buys."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain import standard_form
from services.portal.domain.dates import parse_date
from services.portal.views import district_choices
from services.portal.web.casework_common import apis
from services.portal.web.errors import unavailable_message
from services.portal.web.guards import roles_required
from services.portal.web.quality_common import (
    SERVICE_TYPES,
    api_refusal,
    date_error,
    every,
    not_saved,
    onto_controls,
    provider_choices,
    provider_names,
    service_type_choices,
    service_type_name,
    whole_number,
)  # fmt: skip

bp = Blueprint("quality_admin", __name__, url_prefix="/admin")
BLANK_ROWS = 2


def _list(path: str, notices: list[str]) -> list[dict]:
    try:
        return every(apis().quality, path)
    except ApiUnavailable as error:
        notices.append(unavailable_message(error.service))
        return []


def _latest(versions: list[dict]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for s in versions:
        if s["service_type"] not in found or s["version"] > found[s["service_type"]]["version"]:
            found[s["service_type"]] = s
    return found


@bp.get("/standards")
@roles_required("admin")
def standards():  # noqa: ANN201
    """Every version of every standard; a new version starts from the latest one."""
    notices: list[str] = []
    versions = _list("/standards", notices)
    latest = _latest(versions)
    kind = request.args.get("service_type", "")
    base = latest.get(kind) if kind in SERVICE_TYPES else None
    criteria = list(base["criteria"]) if base else []
    form = {"service_type": kind, "title": base["title"] if base else ""}
    for row, c in enumerate(criteria):
        form |= {f"criteria.{row}.code": c["code"], f"criteria.{row}.text": c["text"]}
        form[f"criteria.{row}.indicators"] = "\n".join(c.get("indicators") or [])
    form["rows"] = str(len(criteria) + BLANK_ROWS)
    return _standards_page(versions, latest, form, {}, notices)


def _standards_page(versions, latest, form, errors, notices=(), status=200, refusals=()):  # noqa: ANN001, ANN202
    page = render_template(
        "quality/standards.html", versions=versions, latest=latest, form=form, errors=errors,
        notices=notices, refusals=refusals, types=service_type_choices(),
        type_name=service_type_name, rows=range(standard_form.rows_of(form)),
    )  # fmt: skip
    return page, status


def _standard_texts() -> standard_form.Texts:
    return standard_form.Texts(
        kind=_("Choose the service this standard is for."),
        title=_("Give the standard a title."),
        date=date_error(),
        code=_("Use letters, digits, dot, dash or underscore, up to 40."),
        text=_("Write what the criterion asks of the provider."),
        repeated=_("Each criterion needs its own code."),
        none=_("A standard needs at least one criterion."),
    )


@bp.post("/standards")
@roles_required("admin")
def publish():  # noqa: ANN201
    """Publish a new version; earlier versions stay, and inspections keep theirs. "Add another
    criterion" shows one more empty row and sends nothing."""
    form = request.form.to_dict()
    if form.get("add") == "criterion":
        form["rows"] = str(min(standard_form.rows_of(form) + 1, standard_form.MAX_ROWS))
        return _standards_again(form, {})
    body, errors = standard_form.read_form(form, SERVICE_TYPES, _standard_texts())
    if errors:
        return _standards_again(form, errors, 422)
    try:
        made = apis().quality.post("/standards", json=body)
    except ApiError as error:
        refused = api_refusal(error)
        if refused is not None:
            return _standards_again(form, standard_form.api_fields_onto_form(refused, form), 422)
        notices, status = not_saved(error)
        return _standards_again(form, {}, status, notices)
    except ApiUnavailable as error:
        notices, status = not_saved(error)
        return _standards_again(form, {}, status, notices)
    flash(("success", _("Version %(n)s of the standard is published.", n=made["version"])))
    return redirect(url_for("quality_admin.standards"), 303)


def _standards_again(form, errors, status=200, refusals=()):  # noqa: ANN001, ANN202
    notices: list[str] = []
    versions = _list("/standards", notices)
    return _standards_page(versions, _latest(versions), form, errors, notices, status, refusals)


@bp.get("/contracts")
@roles_required("admin")
def contracts():  # noqa: ANN201
    """Contracts signed, and the form to record a new one."""
    return _contracts_page({}, {})


CONTRACT_FIELDS = {
    "reference", "commissioner", "provider_id", "service_type", "places",
    "price_per_place_month", "start_date", "end_date", "districts",
}  # fmt: skip


def _contracts_page(form, errors, status=200, refusals=()):  # noqa: ANN001, ANN202
    notices: list[str] = []
    items = _list("/contracts", notices)
    names = provider_names(notices)
    commissioners = [("ministry", _("Ministry")), *district_choices()]
    page = render_template(
        "quality/contracts.html", items=items, names=names, form=form, errors=errors,
        notices=notices, refusals=refusals, providers=provider_choices(names),
        types=service_type_choices(),
        type_name=service_type_name, commissioners=commissioners, districts=district_choices(),
        chosen=form.getlist("districts") if hasattr(form, "getlist") else [],
    )  # fmt: skip
    return page, status


@bp.post("/contracts")
@roles_required("admin")
def record_contract():  # noqa: ANN201
    """Record a signed contract; the provider's places follow it."""
    form = request.form
    body, errors = _contract_body(form)
    if not errors:
        try:
            apis().quality.post("/contracts", json=body)
        except ApiError as error:
            errors = api_refusal(error)
            if errors is None:
                notices, status = not_saved(error)
                return _contracts_page(form, {}, status, notices)
            errors = _contract_fields(errors)
        except ApiUnavailable as error:
            notices, status = not_saved(error)
            return _contracts_page(form, {}, status, notices)
    if errors:
        return _contracts_page(form, errors, 422)
    flash(("success", _("The contract is recorded.")))
    return redirect(url_for("quality_admin.contracts"), 303)


def _contract_fields(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The API's names (districts.<i>) onto the form's controls; the rest at the form's top."""
    named: dict[str, list[str]] = {}
    for name, messages in errors.items():
        named.setdefault("districts" if name.startswith("districts.") else name, []).extend(
            messages
        )
    return onto_controls(named, CONTRACT_FIELDS)


def _contract_body(form) -> tuple[dict, dict[str, list[str]]]:  # noqa: ANN001
    errors: dict[str, list[str]] = {}
    need = {
        "reference": _("Write the contract's number."),
        "commissioner": _("Choose who buys the places."),
        "provider_id": _("Choose the provider."),
        "service_type": _("Choose the service bought."),
    }
    for name, message in need.items():
        if not (form.get(name) or "").strip():
            errors[name] = [message]
    places = whole_number(form.get("places", ""), 0, 10_000)
    if places is None:
        errors["places"] = [_("Enter a whole number from 0 to 10000.")]
    price = _money(form.get("price_per_place_month", ""))
    if price is None:
        errors["price_per_place_month"] = [_("Enter the price in somoni, for example 850.50.")]
    start, end = (parse_date(form.get(n, "")) for n in ("start_date", "end_date"))
    for name, day in (("start_date", start), ("end_date", end)):
        if day is None:
            errors[name] = [date_error()]
    if start and end and end < start:
        errors["end_date"] = [_("The end must not be before the start.")]
    districts = form.getlist("districts")
    if not districts:
        errors["districts"] = [_("Choose at least one district the contract covers.")]
    body = {
        "reference": form.get("reference", "").strip(), "commissioner": form.get("commissioner"),
        "provider_id": form.get("provider_id"), "service_type": form.get("service_type"),
        "places": places, "price_per_place_month": str(price),
        "start_date": start.isoformat() if start else None,
        "end_date": end.isoformat() if end else None, "districts": districts,
    }  # fmt: skip
    return body, errors


def _money(text: str) -> Decimal | None:
    try:
        value = Decimal((text or "").strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > 10_000_000 or value.as_tuple().exponent < -2:
        return None
    return value
