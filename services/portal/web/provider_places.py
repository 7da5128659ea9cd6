"""A provider's places: its coordinator sees them and says how many are free now."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError
from services.portal.web.casework_common import apis
from services.portal.web.forms import field_errors
from services.portal.web.guards import current_user, roles_required
from services.portal.web.messages import localise_all

bp = Blueprint("provider_places", __name__)


def _provider_id() -> str:
    provider_id = current_user().provider_id
    if not provider_id:
        abort(403)
    return str(provider_id)


def _page(status: int = 200, **context: object):  # noqa: ANN202
    provider = apis().referral.get(f"/providers/{_provider_id()}")
    page = render_template(
        "provider/places.html", provider=provider,
        form=context.pop("form", {}), errors=context.pop("errors", {}), **context,
    )  # fmt: skip
    return page, status


@bp.get("/places")
@roles_required("provider")
def places():  # noqa: ANN201
    """Places, places taken and free places of the user's provider."""
    return _page()


@bp.post("/places")
@roles_required("provider")
def update():  # noqa: ANN201
    """Set the free places now; matching uses the number at once."""
    text = request.form.get("free_places", "").strip()
    if not text.isdigit() or int(text) > 10_000:
        errors = {"free_places": [_("Enter a whole number from 0 to 10000.")]}
        return _page(422, form=request.form, errors=errors)
    path = f"/providers/{_provider_id()}/places"
    try:
        apis().referral.request("PUT", path, json={"free_places": int(text)})
    except ApiError as error:
        if error.status == 422 and error.fields:
            return _page(422, form=request.form, errors=localise_all(field_errors(error.fields)))
        raise
    flash(("success", _("Free places saved. New matches use them from now on.")))
    return redirect(url_for("provider_places.places"), 303)
