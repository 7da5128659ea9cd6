"""A required action's life: the provider answers it, the inspector closes or reopens it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain.dates import parse_date
from services.portal.web.casework_common import apis
from services.portal.web.guards import roles_required
from services.portal.web.quality import render_inspection
from services.portal.web.quality_common import (
    INSPECTORS,
    api_refusal,
    date_error,
    not_saved,
    today,
)  # fmt: skip

bp = Blueprint("quality_followup", __name__)
PATH = "/inspections/<uuid:inspection_id>/actions/<uuid:action_id>"


def _send(inspection_id: str, action_id: str, path: str, body: dict, names: dict[str, str]):  # noqa: ANN202
    """Send to the quality API; a 422 comes back onto the action's own fields, any other refusal
    or an unreachable API shows the page again with what was written and why it was not sent."""
    try:
        apis().quality.post(f"/actions/{action_id}/{path}", json=body)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        refused = api_refusal(error)
        if refused is None:
            return _not_sent(inspection_id, error)
        errors = {f"{action_id}.{names.get(k, names['_form'])}": v for k, v in refused.items()}
        return render_inspection(inspection_id, request.form, errors, 422)
    except ApiUnavailable as error:
        return _not_sent(inspection_id, error)
    return None


def _not_sent(inspection_id: str, error: ApiError | ApiUnavailable):  # noqa: ANN202
    notices, status = not_saved(error)
    try:
        return render_inspection(inspection_id, request.form, {}, status, notices)
    except ApiUnavailable:
        # The inspection itself cannot be read: keep what was written on a page of its own.
        page = render_template("quality/not_sent.html", notices=notices, action=request.path)
        return page, status


@bp.post(PATH + "/answer")
@roles_required("provider")
def answer(inspection_id, action_id):  # noqa: ANN001, ANN201
    """The provider says what it has done about an action."""
    ids = str(inspection_id), str(action_id)
    text = (request.form.get(f"{ids[1]}.response") or "").strip()
    if not text:
        errors = {f"{ids[1]}.response": [_("Write what you have done about this action.")]}
        return render_inspection(ids[0], request.form, errors, 422)
    refused = _send(*ids, "answer", {"response": text}, {"_form": "response"})
    if refused is not None:
        return refused
    flash(("success", _("Your answer is sent. The inspector will follow it up.")))
    return redirect(url_for("quality.inspection", inspection_id=ids[0]), 303)


@bp.post(PATH + "/follow-up")
@roles_required(*INSPECTORS)
def follow_up(inspection_id, action_id):  # noqa: ANN001, ANN201
    """The inspector closes the action as done, or reopens it with a new due date."""
    ids = str(inspection_id), str(action_id)
    form, prefix = request.form, f"{ids[1]}."
    outcome = form.get(prefix + "outcome", "")
    body: dict = {"outcome": outcome, "note": (form.get(prefix + "note") or "").strip()}
    errors: dict[str, list[str]] = {}
    if outcome not in ("done", "reopened"):
        errors[prefix + "outcome"] = [_("Choose done or reopen.")]
    if outcome == "reopened":
        due = parse_date(form.get(prefix + "due_date", ""))
        if due is None:
            errors[prefix + "due_date"] = [date_error()]
        elif due < today():
            errors[prefix + "due_date"] = [_("Give a new due date from today on.")]
        else:
            body["due_date"] = due.isoformat()
    if errors:
        return render_inspection(ids[0], form, errors, 422)
    names = {"outcome": "outcome", "note": "note", "due_date": "due_date", "_form": "note"}
    refused = _send(*ids, "follow-up", body, names)
    if refused is not None:
        return refused
    flash(("success", _("The follow-up is recorded.")))
    return redirect(url_for("quality.inspection", inspection_id=ids[0]), 303)
