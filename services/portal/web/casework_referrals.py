"""Matching providers for a child, making a referral, and the waiting list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError
from services.portal.domain.casework import match_reasons
from services.portal.web.casework_common import (
    CASE_ROLES,
    SERVICE_TYPES,
    apis,
    optional,
    required,
    template_helpers,
)
from services.portal.web.casework_reasons import reason_text, refusal_message
from services.portal.web.guards import roles_required

bp = Blueprint("casework_referrals", __name__)


def _page(child_id: str, service_type: str, status: int = 200, **context: Any):  # noqa: ANN202
    found = required(lambda: apis().referral.get(
        f"/children/{child_id}/matches", params={"service_type": service_type}))  # fmt: skip
    child = optional(lambda: apis().intake.get(f"/children/{child_id}"), [], "intake") or {}
    language = (child.get("guardian") or {}).get("language")
    items = [
        {**m, "reasons": [reason_text(k, v) for k, v in match_reasons(m, language)]}
        for m in found.get("items") or []
    ]
    page = render_template(
        "casework/matches.html", child=child, child_id=child_id, service_type=service_type,
        items=items, can_waitlist=bool(found.get("can_waitlist")),
        form=context.pop("form", {}), errors=context.pop("errors", {}), **context,
    )  # fmt: skip
    return page, status


@bp.get("/children/<uuid:child_id>/matches")
@roles_required(*CASE_ROLES)
def matches(child_id: Any):  # noqa: ANN201
    """Rank the providers that can take the child for one service type."""
    service_type = request.args.get("service_type") or SERVICE_TYPES[0]
    if service_type not in SERVICE_TYPES:
        abort(404)
    return _page(str(child_id), service_type)


def _send(body: dict, note: str) -> tuple[dict | None, bool]:
    """Send the referral with its note; if the referral service keeps no notes, without it."""
    try:
        sent = apis().referral.post("/referrals", json={**body, "note": note} if note else body)
        return sent, True
    except ApiError as error:
        if not note or error.status != 422 or set(error.fields) != {"note"}:
            raise
    return apis().referral.post("/referrals", json=body), False


@bp.post("/referrals")
@roles_required(*CASE_ROLES)
def refer():  # noqa: ANN201
    """Send a referral to the chosen provider, then show the child's page."""
    form = request.form
    child_id, service_type = form.get("child_id", ""), form.get("service_type", "")
    if service_type not in SERVICE_TYPES or not child_id:
        abort(400)
    if not form.get("provider_id"):
        errors = {"provider_id": [_("Choose a provider.")]}
        return _page(child_id, service_type, 422, form=form, errors=errors)
    body = {"child_id": child_id, "provider_id": form["provider_id"], "service_type": service_type}
    try:
        note_kept = _send(body, (form.get("note") or "").strip())[1]
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        errors = {"provider_id": [refusal_message(error.code, error.message)]}
        return _page(child_id, service_type, 422, form=form, errors=errors)
    done = "referred" if note_kept else "referred_without_note"
    return redirect(url_for("casework_children.show", child_id=child_id, done=done), 303)


@bp.post("/waitlist")
@roles_required(*CASE_ROLES)
def waitlist():  # noqa: ANN201
    """Put the child on the waiting list when no eligible provider has a free place."""
    child_id, service_type = request.form.get("child_id", ""), request.form.get("service_type")
    if service_type not in SERVICE_TYPES or not child_id:
        abort(400)
    try:
        apis().referral.post("/waitlist", json={"child_id": child_id, "service_type": service_type})
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        errors = {"waitlist": [refusal_message(error.code, error.message)]}
        return _page(child_id, service_type, 422, errors=errors)
    return redirect(url_for("casework_children.show", child_id=child_id, done="waitlisted"), 303)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()
