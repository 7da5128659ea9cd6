"""The child's page: every step across the services as one timeline."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from services.portal.domain.timeline import build_timeline
from services.portal.web.casework_common import (
    CHILD_PAGE_ROLES,
    apis,
    items_of,
    optional,
    required,
    template_helpers,
)
from services.portal.web.errors import unavailable_message
from services.portal.web.guards import current_user, roles_required
from shared.vocabulary import OPEN_ASSESSMENT_STATUSES

bp = Blueprint("casework_children", __name__)
# Assessments, referrals and SMS are read by case managers and admins (the APIs' own rule).
CASE_READERS = ("case_manager", "admin")
PAGE = {"page_size": 100}
OPEN = OPEN_ASSESSMENT_STATUSES


def _case_records(child_id: str, down: list[str]) -> dict[str, Any]:
    """Ask each service what it knows about the child; a service that fails is noted."""
    query = {"child_id": child_id, **PAGE}
    a, r, n = apis().assessment, apis().referral, apis().notifications
    return {
        "assessments": optional(lambda: items_of(a.get("/assessments", params=query)),
                                down, "assessment"),
        "referrals": optional(lambda: items_of(r.get("/referrals", params=query)),
                              down, "referral"),
        "notifications": optional(lambda: items_of(n.get("/notifications", params=query)),
                                  down, "notifications"),
        "replies": optional(lambda: items_of(n.get("/inbound-messages", params=query)),
                            down, "notifications"),
    }  # fmt: skip


@bp.get("/children/<uuid:child_id>")
@roles_required(*CHILD_PAGE_ROLES)
def show(child_id: Any):  # noqa: ANN201
    """Show the child, what happens next, and every step so far."""
    child_id = str(child_id)
    down: list[str] = []
    child = optional(lambda: required(lambda: apis().intake.get(f"/children/{child_id}")),
                     down, "intake")  # fmt: skip
    records: dict[str, Any] = {}
    if current_user().role in CASE_READERS:
        records = _case_records(child_id, down)
    assessments = records.get("assessments") or []
    open_assessment = next((a for a in assessments if a.get("status") in OPEN), None)
    done = sorted((a for a in assessments if a.get("status") == "completed"),
                  key=lambda a: a.get("completed_at") or "")  # fmt: skip
    latest = done[-1] if done else None
    return render_template(
        "casework/child.html", child=child, child_id=child_id,
        entries=build_timeline(child, **records),
        is_case_reader=current_user().role in CASE_READERS,
        can_act=current_user().role == "case_manager",
        open_assessment=open_assessment, latest=latest, done=request.args.get("done"),
        down_messages=[unavailable_message(s) for s in sorted(set(down))],
    )  # fmt: skip


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()
