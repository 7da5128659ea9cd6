"""Recording an inspection, and following up its required actions."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.quality import payloads
from services.quality.domain.scoring import judge, problems
from services.quality.flows.standards import in_force
from services.quality.models import Inspection, RequiredAction
from shared.refusals import Refused
from shared.runtime import UnitOfWork


class Invalid(Refused):
    """Input the rules refuse, with field messages (422)."""

    def __init__(self, message: str, fields: dict) -> None:
        super().__init__(422, "invalid", message, fields=fields)


def record(uow: UnitOfWork, body: dict, inspector: str, today: date) -> Inspection:
    """Judge a visit against the standard in force that day, store it and tell referral."""
    if body["inspected_on"] > today:
        raise Invalid("an inspection cannot be in the future", {"inspected_on": ["In the future."]})
    standard = in_force(uow.session, body["service_type"], body["inspected_on"])
    if standard is None:
        raise Invalid(
            "no standard in force for that service type on that date",
            {"service_type": ["No standard of this service type was in force on inspected_on."]},
        )
    ratings = {f["criterion"]: f["rating"] for f in body["findings"]}
    codes = [c["code"] for c in standard.criteria]
    wrong = problems(codes, ratings)
    if len(ratings) != len(body["findings"]):
        wrong["_duplicates"] = "Each criterion is rated once."
    wrong.update(_unknown_action_criteria(body["required_actions"], codes))
    if wrong:
        raise Invalid(f"findings do not fit version {standard.version}", {"findings": wrong})
    result = judge(ratings)
    inspection = Inspection(
        id=str(uuid.uuid4()), provider_id=str(body["provider_id"]),
        service_type=body["service_type"], standard_id=standard.id,
        standard_version=standard.version, inspected_on=body["inspected_on"],
        findings=body["findings"], score=result.score, level=result.level,
        accredited=result.accredited, inspector=inspector, created_at=uow.now,
    )  # fmt: skip
    uow.session.add(inspection)
    for item in body["required_actions"]:
        uow.session.add(_action(inspection, item, uow))
    uow.session.flush()
    opened = open_actions(uow.session, inspection.provider_id)
    uow.emit(
        "provider.inspected",
        payloads.inspected(inspection, opened),
        correlation_id=inspection.provider_id,
    )
    return inspection


def _unknown_action_criteria(actions: list[dict], codes: list[str]) -> dict[str, str]:
    unknown = [a["criterion"] for a in actions if a["criterion"] not in codes]
    return {f"required_actions.{code}": "Not a criterion of the standard." for code in unknown}


def _action(inspection: Inspection, item: dict, uow: UnitOfWork) -> RequiredAction:
    return RequiredAction(
        id=str(uuid.uuid4()), inspection_id=inspection.id, provider_id=inspection.provider_id,
        criterion=item["criterion"], description=item["description"], due_date=item["due_date"],
        status="open", updated_at=uow.now,
    )  # fmt: skip


def open_actions(session: Session, provider_id: str) -> int:
    """Count a provider's actions not yet closed as done."""
    query = select(func.count()).where(
        RequiredAction.provider_id == provider_id, RequiredAction.status != "done"
    )
    return session.execute(query).scalar_one()


def actions_of(session: Session, inspection_id: str) -> list[RequiredAction]:
    """An inspection's actions, by due date."""
    query = (
        select(RequiredAction)
        .where(RequiredAction.inspection_id == inspection_id)
        .order_by(RequiredAction.due_date, RequiredAction.id)
    )
    return list(session.execute(query).scalars())


def answer(uow: UnitOfWork, action: RequiredAction, response: str) -> None:
    """The provider says what it did; the inspector follows up."""
    if action.status == "done":
        raise Invalid("this action is closed", {"response": ["The action is already closed."]})
    action.response, action.responded_at = response, uow.now
    action.status, action.updated_at = "answered", uow.now


def follow_up(uow: UnitOfWork, action: RequiredAction, body: dict, today: date) -> None:
    """Close an action as done, or reopen it with a new due date."""
    action.follow_up_note, action.updated_at = body["note"] or None, uow.now
    if body["outcome"] == "done":
        action.status, action.closed_at = "done", uow.now
        return
    due = body.get("due_date")
    if due is None or due < today:
        raise Invalid("a reopened action needs a new due date", {"due_date": ["Today or later."]})
    action.status, action.due_date, action.closed_at = "open", due, None
