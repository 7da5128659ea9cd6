"""The provider's inbox and a referral's page: decide, then start and complete the service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError
from services.portal.domain.dates import parse_date
from services.portal.domain.inbox import group, time_left
from services.portal.views import language
from services.portal.web.casework_common import (
    LANGUAGE_NAMES,
    REFERRAL_STATUS,
    SERVICE_TYPE_NAMES,
    apis,
    required,
)
from services.portal.web.errors import api_error_message
from services.portal.web.forms import field_errors
from services.portal.web.guards import roles_required
from services.portal.web.messages import localise_all
from shared.codes import CANCEL_REASONS, COMPLETION_OUTCOMES, DECLINE_REASONS

bp = Blueprint("provider_referrals", __name__)
READERS = ("provider", "case_manager")
ACTIONS = ("accept", "decline", "start", "complete", "cancel")


def coded(labels: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(code, label) pairs in the page's language."""
    lang = language()
    return [(code, names.get(lang) or names["en"]) for code, names in labels.items()]


@bp.get("/referrals")
@roles_required(*READERS)
def inbox():  # noqa: ANN201
    """New referrals with the time left to answer, those in progress, and finished ones."""
    found = apis().referral.get("/referrals", params={"page_size": 100})
    items = list(found.get("items") or [])
    now = datetime.now(UTC)
    for item in items:
        item["time_left"] = time_left(item.get("respond_by"), now)
    return render_template(
        "provider/inbox.html", groups=group(items), total=found.get("total", len(items)),
        status_names=REFERRAL_STATUS, service_names=SERVICE_TYPE_NAMES,
    )  # fmt: skip


def _page(referral_id: str, status: int = 200, **context: Any):  # noqa: ANN202
    referral = required(lambda: apis().referral.get(f"/referrals/{referral_id}"))
    referral["time_left"] = time_left(referral.get("respond_by"), datetime.now(UTC))
    page = render_template(
        "provider/referral.html", referral=referral, status_names=REFERRAL_STATUS,
        service_names=SERVICE_TYPE_NAMES, decline_reasons=coded(DECLINE_REASONS),
        family_languages=LANGUAGE_NAMES,
        outcomes=coded(COMPLETION_OUTCOMES), cancel_reasons=coded(CANCEL_REASONS),
        reason_names=dict(coded(DECLINE_REASONS)), outcome_names=dict(coded(COMPLETION_OUTCOMES)),
        form=context.pop("form", {}), errors=context.pop("errors", {}), **context,
    )  # fmt: skip
    return page, status


@bp.get("/referrals/<uuid:referral_id>")
@roles_required(*READERS)
def referral(referral_id: Any):  # noqa: ANN201
    """What the provider needs to decide; the family's contact only once it has accepted."""
    return _page(str(referral_id))


def _body(action: str, form: dict) -> tuple[dict, dict[str, list[str]]]:
    """The API body of an action from the form, with the form's own errors."""
    if action == "accept":
        day = parse_date(form.get("start_date", ""))
        if day is None:
            return {}, {"start_date": [_("Enter the start date as dd.mm.yyyy.")]}
        return {"start_date": day.isoformat()}, {}
    if action == "decline":
        if form.get("reason") not in DECLINE_REASONS:
            return {}, {"reason": [_("Choose the reason.")]}
        return {"reason": form["reason"], "note": form.get("note", "").strip()[:1000]}, {}
    if action == "complete":
        if form.get("outcome") not in COMPLETION_OUTCOMES:
            return {}, {"outcome": [_("Choose the outcome.")]}
        return {"outcome": form["outcome"]}, {}
    if action == "cancel":
        if form.get("reason") not in CANCEL_REASONS:
            return {}, {"reason": [_("Choose the reason.")]}
        return {"reason": form["reason"]}, {}
    return {}, {}


@bp.post("/referrals/<uuid:referral_id>/<action>")
@roles_required(*READERS)
def act(referral_id: Any, action: str):  # noqa: ANN201
    """Accept, decline, start, complete or cancel; the API decides who may."""
    if action not in ACTIONS:
        abort(404)
    form = request.form.to_dict()
    body, errors = _body(action, form)
    if errors:
        return _page(str(referral_id), 422, form=form, errors=errors, action=action)
    try:
        apis().referral.post(f"/referrals/{referral_id}/{action}", json=body)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        if error.status == 422 and error.fields:
            fields = localise_all(field_errors(error.fields))
            return _page(str(referral_id), 422, form=form, errors=fields, action=action)
        if error.status in (403, 409):
            said = REFUSALS.get(error.code)
            refusal = said() if said else api_error_message(error)
            return _page(str(referral_id), 409, refusal=refusal, action=action)
        raise
    flash(("success", DONE[action]()))
    return redirect(url_for("provider_referrals.referral", referral_id=referral_id), 303)


REFUSALS = {
    "no_free_place": lambda: _("There is no free place left. Update your free places first."),
    "before_start_date": lambda: _("The service cannot start before the agreed start date."),
    "transition_not_allowed": lambda: _("This referral has already moved on. See its state below."),
}
DONE = {
    "accept": lambda: _("The referral is accepted. The family's contact is shown below."),
    "decline": lambda: _("The referral is declined. The case manager will be told."),
    "start": lambda: _("The service has started."),
    "complete": lambda: _("The service is marked as completed."),
    "cancel": lambda: _("The referral is cancelled."),
}
