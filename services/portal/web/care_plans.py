"""Person-centred care plans of referrals in progress, and the ministry's outcomes of services.

The provider of the referral and the district's case manager write the plan (goals per
functional domain, activities, who does them, the next review), record reviews (progress per
goal; the case manager links a re-assessment, and the referral API says the change per domain
since the plan's first assessment) and close it with a coded outcome. The APIs decide scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain import care_plans as rules
from services.portal.domain.dates import show_date
from services.portal.views import language
from services.portal.web.care_plan_forms import (
    CHANGE_NAMES,
    DOER_NAMES,
    PROGRESS_NAMES,
    REFUSALS,
    api_errors,
    coded,
    domain_choices,
    goal_slots,
    said,
)
from services.portal.web.casework_common import (
    DOMAIN_NAMES,
    SERVICE_TYPE_NAMES,
    apis,
    items_of,
    required,
)
from services.portal.web.dashboard_data import Table
from services.portal.web.dashboard_downloads import table_download
from services.portal.web.errors import api_error_message, unavailable_message
from services.portal.web.guards import current_user, roles_required
from shared.codes import COMPLETION_OUTCOMES, label
from shared.localtime import local_day

bp = Blueprint("care_plans", __name__)
KEEPERS = ("provider", "case_manager")
REASSESSORS = ("case_manager",)  # the assessment API lets only case managers assess
OUTCOME_TABLES = ("service_types", "providers")


def _today() -> date:
    return local_day(datetime.now(UTC))


def _plan_of(referral_id: str) -> dict | None:
    try:
        return apis().referral.get(f"/referrals/{referral_id}/care-plan")
    except ApiError as error:
        if error.status == 404:
            return None
        raise


def _assessments(child_id: str, notices: list[str]) -> list[dict]:
    """The child's assessments, for a case manager's re-assessment (others may not read them)."""
    if current_user().role not in REASSESSORS or not child_id:
        return []
    params = {"child_id": child_id, "page_size": 100}
    try:
        return items_of(apis().assessment.get("/assessments", params=params))
    except ApiUnavailable as error:
        notices.append(unavailable_message(error.service))
    except ApiError as error:
        notices.append(api_error_message(error))
    return []


def _linkable(assessments: list[dict], plan: dict | None) -> list[tuple[str, str]]:
    """The child's completed re-assessments as choices for a review."""
    done = rules.linkable_assessments(assessments, (plan or {}).get("baseline_assessment_id"))
    return [
        (a["id"], _("Re-assessment of %(day)s", day=show_date(a.get("assessed_on")
                                                             or a.get("completed_at"))))
        for a in done
    ]  # fmt: skip


def _page(referral_id: str, status: int = 200, **context: Any) -> tuple[str, int]:
    referral = required(lambda: apis().referral.get(f"/referrals/{referral_id}"))
    plan = _plan_of(referral_id)
    notices: list[str] = []
    assessments = _assessments(referral.get("child_id", ""), notices) if plan else []
    goals = context.pop("goals", None) or []
    page = render_template(
        "careplans/plan.html", referral=referral, plan=plan, notices=notices,
        can_keep=current_user().role in KEEPERS, can_reassess=current_user().role in REASSESSORS,
        linkable=_linkable(assessments, plan),
        open_assessment=rules.open_assessment(assessments),
        slots=goal_slots(goals, context.pop("extra_goal", False)),
        domains=domain_choices(), domain_names=DOMAIN_NAMES, doers=coded(DOER_NAMES),
        doer_names=DOER_NAMES, progress=coded(PROGRESS_NAMES), progress_names=PROGRESS_NAMES,
        change_names=CHANGE_NAMES, changes=lambda c: rules.change_rows(c, list(DOMAIN_NAMES)),
        outcomes=[(c, label(COMPLETION_OUTCOMES, c, language())) for c in COMPLETION_OUTCOMES],
        outcome_name=lambda c: label(COMPLETION_OUTCOMES, c, language()),
        service_names=SERVICE_TYPE_NAMES, today=_today(),
        form=context.pop("form", {}), errors=context.pop("errors", {}), **context,
    )  # fmt: skip
    return page, status


def _refused(referral_id: str, error: ApiError, form: dict, part: str, **context: Any):  # noqa: ANN202
    """Show an API refusal on the page: field errors next to the fields, else a notice."""
    if error.status == 404:
        abort(404)
    if error.status == 422 and error.fields:
        errors = api_errors(error.fields)
        return _page(referral_id, 422, form=form, errors=errors, part=part, **context)
    if error.status in (403, 409, 422):
        known = REFUSALS.get(error.code)
        refusal = str(known) if known else api_error_message(error)
        return _page(referral_id, 409, refusal=refusal, part=part, **context)
    raise error


def _back(referral_id: Any, message: str):  # noqa: ANN202
    flash(("success", message))
    return redirect(url_for("care_plans.plan", referral_id=referral_id), 303)


@bp.get("/referrals/<uuid:referral_id>/care-plan")
@roles_required(*KEEPERS)
def plan(referral_id: Any):  # noqa: ANN201
    """The plan with its reviews, or the form to write it once the service has started."""
    return _page(str(referral_id))


@bp.post("/referrals/<uuid:referral_id>/care-plan")
@roles_required(*KEEPERS)
def write(referral_id: Any):  # noqa: ANN201
    """Write the plan; "add another goal" shows one more empty goal and sends nothing."""
    form = request.form.to_dict()
    body, goals, problems = rules.plan_body(form, tuple(DOMAIN_NAMES))
    if form.get("add") == "goal":
        return _page(str(referral_id), form=form, goals=goals, extra_goal=True, part="plan")
    if problems:
        return _page(str(referral_id), 422, form=form, goals=goals, errors=said(problems),
                     part="plan")  # fmt: skip
    try:
        apis().referral.post(f"/referrals/{referral_id}/care-plan", json=body)
    except ApiError as error:
        return _refused(str(referral_id), error, form, "plan", goals=goals)
    saved = _(
        "The care plan is saved. If the family agreed to SMS, they will be told of the review."
    )
    return _back(referral_id, saved)


@bp.get("/referrals/<uuid:referral_id>/care-plan/edit")
@roles_required(*KEEPERS)
def edit_form(referral_id: Any):  # noqa: ANN201
    """The plan's form, filled with the plan as it stands, to change while the service runs."""
    referral = required(lambda: apis().referral.get(f"/referrals/{referral_id}"))
    current = required(lambda: apis().referral.get(f"/referrals/{referral_id}/care-plan"))
    if current.get("status") != "open" or referral.get("status") != "in_progress":
        flash(("warning", str(REFUSALS["care_plan_closed"])))
        return redirect(url_for("care_plans.plan", referral_id=referral_id), 303)
    form = {"next_review_date": show_date(current.get("next_review_date")),
            "revision": str(current.get("revision", ""))}  # fmt: skip
    return _page(str(referral_id), form=form, goals=current.get("goals") or [], editing=True,
                 part="plan")  # fmt: skip


@bp.post("/referrals/<uuid:referral_id>/care-plan/edit")
@roles_required(*KEEPERS)
def edit(referral_id: Any):  # noqa: ANN201
    """Send the changed plan with the revision it replaces; a newer save meanwhile is refused."""
    form = request.form.to_dict()
    revision = rules.revision_of(form)
    if revision is None:
        abort(400)
    body, goals, problems = rules.plan_body(form, tuple(DOMAIN_NAMES), review_required=False)
    again = {"form": form, "goals": goals, "editing": True, "part": "plan"}
    if form.get("add") == "goal":
        return _page(str(referral_id), extra_goal=True, **again)
    if problems:
        return _page(str(referral_id), 422, errors=said(problems), **again)
    try:
        apis().referral.put(f"/referrals/{referral_id}/care-plan",
                            json={**body, "revision": revision})  # fmt: skip
    except ApiError as error:
        if error.status == 409:
            return _refused(str(referral_id), error, {}, "plan")
        return _refused(str(referral_id), error, form, "plan", goals=goals, editing=True)
    return _back(referral_id, _("The care plan is changed. Earlier reviews are kept as they were."))


@bp.post("/referrals/<uuid:referral_id>/care-plan/reviews")
@roles_required(*KEEPERS)
def review(referral_id: Any):  # noqa: ANN201
    """Record a review: progress per goal, a re-assessment if one was done, the next date."""
    form = request.form.to_dict()
    if form.get("assessment_id") and current_user().role not in REASSESSORS:
        abort(403)
    current = required(lambda: apis().referral.get(f"/referrals/{referral_id}/care-plan"))
    body, problems = rules.review_body(form, len(current.get("goals") or []))
    if problems:
        return _page(str(referral_id), 422, form=form, errors=said(problems), part="review")
    try:
        apis().referral.post(f"/referrals/{referral_id}/care-plan/reviews", json=body)
    except ApiError as error:
        return _refused(str(referral_id), error, form, "review")
    saved = _("The review is saved. If the family agreed to SMS, they will be told by SMS.")
    return _back(referral_id, saved)


@bp.post("/referrals/<uuid:referral_id>/care-plan/close")
@roles_required(*KEEPERS)
def close(referral_id: Any):  # noqa: ANN201
    """Close the plan with a coded outcome and an optional note kept with it; the referral
    completes with the same code."""
    form = request.form.to_dict()
    if form.get("outcome") not in COMPLETION_OUTCOMES:
        errors = {"outcome": [_("Choose how the service ended.")]}
        return _page(str(referral_id), 422, form=form, errors=errors, part="close")
    body = {"outcome": form["outcome"], "note": (form.get("note") or "").strip()}
    try:
        apis().referral.post(f"/referrals/{referral_id}/care-plan/close", json=body)
    except ApiError as error:
        return _refused(str(referral_id), error, form, "close")
    return _back(referral_id, _("The care plan is closed and the service is completed."))


@bp.post("/referrals/<uuid:referral_id>/care-plan/reassess")
@roles_required(*REASSESSORS)
def reassess(referral_id: Any):  # noqa: ANN201
    """Open a re-assessment of the child with the Child Functioning Module, then do it."""
    referral = required(lambda: apis().referral.get(f"/referrals/{referral_id}"))
    body = {"child_id": referral["child_id"], "urgent": False}
    try:
        made = apis().assessment.post("/assessments", json=body)
    except ApiError as error:
        return _refused(str(referral_id), error, {}, "reassess")
    return redirect(url_for("casework_assessments.show", assessment_id=made["id"]), 303)


# The ministry's outcomes of services (the referral API gives them to admins only).


def outcome_tables() -> tuple[dict[str, Table], list[str]]:
    """The outcomes by service type and by provider, in the page's language, and notices."""
    notices: list[str] = []
    try:
        report = apis().referral.get("/reports/outcomes")
    except ApiUnavailable as error:
        report, notices = {}, [unavailable_message(error.service)]
    codes = list(COMPLETION_OUTCOMES)
    names = [label(COMPLETION_OUTCOMES, c, language()) for c in codes]
    by_type, by_provider = rules.outcome_rows(report, codes)
    kind = lambda code: str(SERVICE_TYPE_NAMES.get(code, code))  # noqa: E731
    numbers = set(range(1, len(codes) + 2))
    return {
        "service_types": Table(
            _("Outcomes by service type"), [_("Service type"), _("Completed"), *names],
            [[kind(r[0]), *r[1:]] for r in by_type], numbers,
        ),
        "providers": Table(
            _("Outcomes by provider"), [_("Service type"), _("Provider"), _("Completed"), *names],
            [[kind(r[0]), *r[1:]] for r in by_provider], {n + 1 for n in numbers},
        ),
    }, notices  # fmt: skip


@bp.get("/dashboard/outcomes")
@roles_required("admin")
def outcomes():  # noqa: ANN201
    """How services ended: coded outcomes by service type and by provider."""
    found, notices = outcome_tables()
    return render_template("careplans/outcomes.html", tables=found, notices=notices)


@bp.get("/dashboard/outcomes/<name>.<fmt>")
@roles_required("admin")
def outcomes_download(name: str, fmt: str):  # noqa: ANN201
    """One outcomes table as CSV or Excel, in the page's language."""
    if name not in OUTCOME_TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    table = outcome_tables()[0][name]
    return table_download(table, fmt, f"outcomes-{name}-{_today().isoformat()}.{fmt}")
