"""The case manager's worklist: assessments to do, overdue and urgent first."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from services.portal.domain.casework import arrange_worklist
from services.portal.domain.timeline import parse_time, unanswered_replies
from services.portal.views import district_choices
from services.portal.web.casework_common import (
    CASE_ROLES,
    apis,
    items_of,
    optional,
    template_helpers,
)
from services.portal.web.guards import current_user, roles_required
from shared.vocabulary import OPEN_ASSESSMENT_STATUSES

bp = Blueprint("casework_worklist", __name__)
TO_DO = OPEN_ASSESSMENT_STATUSES
PAGE_SIZE = 100


def _to_do(district: str | None) -> list[dict]:
    items: list[dict] = []
    for status in TO_DO:
        params = {"status": status, "district_code": district, "page_size": PAGE_SIZE}
        items.extend(items_of(apis().assessment.get("/assessments", params=params)))
    return arrange_worklist(items, district)


def _replies(items: list[dict], down: list[str]) -> dict[str, int]:
    params = {"action": "recorded", "page_size": PAGE_SIZE}
    body = optional(lambda: apis().notifications.get("/inbound-messages", params=params),
                    down, "notifications")  # fmt: skip
    since = {i["child_id"]: parse_time(i.get("updated_at")) for i in items if i.get("child_id")}
    return unanswered_replies(items_of(body), since)


@bp.get("/worklist")
@roles_required(*CASE_ROLES)
def worklist():  # noqa: ANN201
    """List the assessments to do in the case manager's districts."""
    mine = list(current_user().districts or [])
    district = request.args.get("district") or None
    if district not in mine:
        district = None
    items = _to_do(district)
    down: list[str] = []
    replies = _replies(items, down)
    return render_template(
        "casework/worklist.html", items=items, replies=replies, district=district,
        districts=district_choices(mine), replies_down=bool(down),
    )  # fmt: skip


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()
