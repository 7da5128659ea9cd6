"""'My registrations': each child with where they stand in the chain and what comes next."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain.chain import Standing, from_report, standing
from services.portal.domain.roles import CHILD_LIST_ROLES
from services.portal.web.guards import current_user, portal, roles_required

bp = Blueprint("registrations", __name__)
PAGE_SIZE = 20


def stage_labels() -> dict[str, str]:
    """Each stage of the chain in the page's language."""
    return {
        "registered": _("Registered"),
        "assessment_scheduled": _("Assessment scheduled"),
        "assessed": _("Assessed"),
        "referred": _("Referred to a service"),
        "accepted": _("Accepted by the service"),
        "started": _("Service started"),
        "completed": _("Service completed"),
        "waiting": _("On the waiting list"),
        "declined": _("Referral declined"),
    }


def next_labels() -> dict[str, str]:
    """What happens next, for each step, in the page's language."""
    return {
        "next_assessment": _("The district case manager will arrange an assessment."),
        "next_visit": _("The family will be visited for the assessment."),
        "next_referral": _("The case manager will refer the child to a service."),
        "next_none": _("Nothing more is needed for now."),
        "next_provider_answer": _("The service will answer the referral."),
        "next_start": _("The service will start on the agreed date."),
        "next_service": _("The child is receiving the service."),
        "next_waiting": _("The child will get a place when one is free."),
        "next_new_referral": _("The case manager will look for another service."),
        "unknown": _("The case manager follows the next steps."),
    }


class _Lookup:
    """Reads the assessment and referral stage of children, once per page, as the user."""

    def __init__(self) -> None:
        self.allowed = {"assessment": True, "referral": True}
        self.unreachable: set[str] = set()

    def items(self, service: str, path: str, child_id: str) -> list[dict[str, Any]]:
        if not self.allowed[service] or service in self.unreachable:
            return []
        try:
            answer = getattr(portal().apis, service).get(path, {"child_id": child_id})
        except ApiUnavailable:
            self.unreachable.add(service)
            return []
        except ApiError as error:
            if error.status in (401, 403):
                self.allowed[service] = False
            return []
        return list(answer.get("items", [])) if isinstance(answer, dict) else []

    def standing(self, child_id: str) -> Standing | None:
        assessments = self.items("assessment", "/assessments", child_id)
        referrals = self.items("referral", "/referrals", child_id)
        if not (self.allowed["assessment"] or self.allowed["referral"]):
            return None
        return standing(assessments, referrals)


def report_standings(child_ids: list[str]) -> dict[str, Standing] | None:
    """Each child's standing from one call to the referral service; None when it cannot say."""
    if not child_ids:
        return {}
    try:
        answer = portal().apis.referral.get("/children/stages", {"child_id": child_ids})
    except (ApiUnavailable, ApiError):
        return None
    items = answer.get("items", []) if isinstance(answer, dict) else []
    return {item["child_id"]: from_report(item) for item in items if item.get("child_id")}


def _standings(items: list[dict[str, Any]]) -> tuple[list[tuple[dict, Standing | None]], set]:
    """Pair each child with its standing: the report's, else today's per-child lookup."""
    children = [child for child in items if child.get("id")]
    found = report_standings([child["id"] for child in children])
    if found is not None:
        return [(child, found.get(child["id"])) for child in children], set()
    lookup = _Lookup()
    rows = [(child, lookup.standing(child["id"])) for child in children]
    return rows, lookup.unreachable | {"referral"}


def _name_of(items: list[dict[str, Any]], child_id: str) -> str:
    for child in items:
        if child_id and child.get("id") == child_id:
            part = child.get("child") or {}
            return " ".join(filter(None, [part.get("given_name"), part.get("family_name")]))
    return _("The child") if child_id else ""


@bp.get("/children")
@roles_required(*CHILD_LIST_ROLES)
def children():  # noqa: ANN201
    """The user's registrations (or their districts' children), searchable by name or phone."""
    user = current_user()
    q = request.args.get("q", "").strip()[:120]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    params = {"q": q or None, "page": page, "page_size": PAGE_SIZE}
    error = None
    try:
        answer = portal().apis.intake.get("/children", params)
    except ApiUnavailable:
        answer, error = {"items": [], "total": 0}, "unavailable"
    items = answer.get("items", [])
    rows, unreachable = _standings(items)
    return render_template(
        "registration/children.html",
        rows=rows,
        q=q,
        page=page,
        total=answer.get("total", 0),
        page_size=PAGE_SIZE,
        error=error,
        stages=stage_labels(),
        next_steps=next_labels(),
        registered=request.args.get("registered", ""),
        registered_name=_name_of(items, request.args.get("registered", "")),
        notice=request.args.get("notice", ""),
        unreachable=unreachable,
        user_id=user.id,
    )
