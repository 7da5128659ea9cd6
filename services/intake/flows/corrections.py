"""Correcting the facts of a registration, and merging two registrations of one child."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.intake.domain.children import InvalidDateOfBirth, check_date_of_birth
from services.intake.flows import audit
from services.intake.flows.changes import AlreadyWithdrawn
from services.intake.flows.registration import Refused, local_today
from services.intake.models import MERGED, Child
from shared import refusals
from shared.principal import Principal
from shared.runtime import UnitOfWork

CORRECTABLE = ("sex", "date_of_birth", "district_code")


class AlreadyMerged(refusals.Refused):
    """The registration was merged into another; it is only a pointer now."""

    def __init__(self, into: str) -> None:
        super().__init__(
            409,
            "child_merged",
            f"this registration was merged into {into}; change that one",
            merged_into=into,
        )
        self.into = into


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def correct_child(
    uow: UnitOfWork, child: Child, wanted: dict[str, Any], reason: str, actor: Principal
) -> dict[str, Any]:
    """Correct sex, date of birth or district; audit it with the reason; emit child.corrected."""
    _check_open(child)
    if "date_of_birth" in wanted:
        try:
            check_date_of_birth(wanted["date_of_birth"], local_today(uow.now))
        except InvalidDateOfBirth as exc:
            raise Refused({"child": {"date_of_birth": [str(exc)]}}) from exc
    changes = {k: v for k, v in wanted.items() if getattr(child, k) != v}
    if not changes:
        return changes
    previous = {name: getattr(child, name) for name in changes}
    for name, value in changes.items():
        setattr(child, name, value)
    child.birth_year = child.date_of_birth.year if child.date_of_birth else child.birth_year
    child.updated_at = uow.now
    details = {
        "fields": [f"child.{name}" for name in changes],
        "reason": reason,
        "previous": _jsonable(previous),
        "corrected": _jsonable(changes),
    }
    audit.record(uow.session, actor, audit.CORRECT, child.id, uow.now, details)
    uow.emit(
        "child.corrected",
        {
            "child_id": child.id,
            "changes": _jsonable(changes),
            "previous": _jsonable(previous),
            "corrected_by": {"sub": actor.sub, "role": actor.role},
            "corrected_at": uow.now.isoformat(),
        },
        correlation_id=child.id,
    )
    return changes


def merge_child(uow: UnitOfWork, child: Child, into: Child, reason: str, actor: Principal) -> bool:
    """Merge `child` into `into`; False when it already was (nothing new happens)."""
    if child.id == into.id:
        raise Refused({"into": ["A child cannot be merged into itself."]})
    if child.merged and child.merged_into == into.id:
        return False
    _check_open(child)
    if into.merged:
        raise Refused({"into": [f"That registration was merged into {into.merged_into}."]})
    if into.withdrawn:
        raise AlreadyWithdrawn(into.id)
    child.status, child.merged_into, child.merged_at = MERGED, into.id, uow.now
    child.updated_at = into.updated_at = uow.now
    audit.record(
        uow.session, actor, audit.MERGE, child.id, uow.now, {"into": into.id, "reason": reason}
    )
    audit.record(
        uow.session, actor, audit.MERGE, into.id, uow.now, {"from": child.id, "reason": reason}
    )
    uow.emit(
        "child.merged",
        {
            "child_id": child.id,
            "into": into.id,
            "merged_by": {"sub": actor.sub, "role": actor.role},
            "merged_at": uow.now.isoformat(),
        },
        correlation_id=child.id,
    )
    return True


def _check_open(child: Child) -> None:
    if child.withdrawn:
        raise AlreadyWithdrawn(child.id)
    if child.merged:
        raise AlreadyMerged(child.merged_into or "")
