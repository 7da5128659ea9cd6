"""The provider directory for admins: create, edit, deactivate (the referral API keeps it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError
from services.portal.domain import provider_form as rules
from services.portal.views import district_choices
from services.portal.web.casework_common import SERVICE_TYPE_NAMES, apis, required
from services.portal.web.forms import field_errors
from services.portal.web.guards import roles_required
from services.portal.web.messages import localise_all
from shared.districts import DISTRICTS

bp = Blueprint("admin_providers", __name__)


def _messages() -> dict[str, str]:
    return {
        rules.REQUIRED: _("This answer is needed."),
        rules.WHOLE: _("Enter a whole number."),
        rules.NUMBER: _("Enter a number such as 38.56."),
        rules.DATE: _("Enter the date as dd.mm.yyyy."),
        rules.ORDER: _("The lowest age must not be above the highest."),
    }


def _form_page(provider: dict | None, form: dict, errors: dict, status: int = 200):  # noqa: ANN202
    page = render_template(
        "admin/providers_form.html", provider=provider, form=form, errors=errors,
        districts=district_choices(), service_types=[(k, str(v)) for k, v in
                                                     SERVICE_TYPE_NAMES.items()],
        languages=[("tg", "Тоҷикӣ"), ("ru", "Русский")],
    )  # fmt: skip
    return page, status


def _from_provider(provider: dict) -> dict[str, Any]:
    """The form's values of a stored provider."""
    # Numbers as text: a 0 is an answer, not an empty field.
    form = {
        k: v if isinstance(v, list) else "" if v is None else str(v) for k, v in provider.items()
    }
    form["accredited"] = "true" if provider.get("accredited") else ""
    return form


def _save(provider_id: str | None):  # noqa: ANN202
    form = request.form
    body, keys = rules.provider_body(form, form.getlist, set(DISTRICTS))
    values = {**form.to_dict(), **{k: form.getlist(k) for k in
                                   ("service_types", "districts_served", "languages")}}  # fmt: skip
    provider = {"id": provider_id} if provider_id else None
    if keys:
        words = _messages()
        return _form_page(provider, values, {k: [words[v]] for k, v in keys.items()}, 422)
    try:
        if provider_id:
            apis().referral.patch(f"/providers/{provider_id}", json=body)
        else:
            provider_id = apis().referral.post("/providers", json=body)["id"]
    except ApiError as error:
        if error.status == 422 and error.fields:
            return _form_page(provider, values, localise_all(field_errors(error.fields)), 422)
        raise
    flash(("success", _("The provider is saved.")))
    return redirect(url_for("admin_providers.edit", provider_id=provider_id), 303)


@bp.get("/admin/providers")
@roles_required("admin")
def providers():  # noqa: ANN201
    """Every provider, active or not, with its places."""
    found = apis().referral.get("/providers", params={"page_size": 100})
    return render_template(
        "admin/providers.html", items=found.get("items") or [], total=found.get("total", 0),
        service_names=SERVICE_TYPE_NAMES,
    )  # fmt: skip


@bp.route("/admin/providers/new", methods=["GET", "POST"])
@roles_required("admin")
def new():  # noqa: ANN201
    """Add a provider to the directory."""
    if request.method == "POST":
        return _save(None)
    return _form_page(None, {"places": "0", "min_age": "0", "max_age": "17",
                             "languages": ["tg", "ru"]}, {})  # fmt: skip


@bp.route("/admin/providers/<uuid:provider_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(provider_id: Any):  # noqa: ANN201
    """Change a provider; places cannot drop below the children holding one."""
    if request.method == "POST":
        return _save(str(provider_id))
    provider = required(lambda: apis().referral.get(f"/providers/{provider_id}"))
    return _form_page(provider, _from_provider(provider), {})


@bp.post("/admin/providers/<uuid:provider_id>/active")
@roles_required("admin")
def set_active(provider_id: Any):  # noqa: ANN201
    """Deactivate (or reactivate) a provider: it gets no new referrals while inactive."""
    active = request.form.get("active") == "true"
    apis().referral.patch(f"/providers/{provider_id}", json={"active": active})
    flash(("success", _("The provider is active again.") if active else
           _("The provider is deactivated: it gets no new referrals.")))  # fmt: skip
    return redirect(url_for("admin_providers.edit", provider_id=provider_id), 303)
