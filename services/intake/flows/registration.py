"""Registering a child: the rules that need the clock or the register, then one write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from services.intake.domain.children import InvalidDateOfBirth, check_date_of_birth
from services.intake.domain.duplicates import (
    ChildFacts,
    LikelyDuplicate,
    RegisteredChild,
    find_likely_duplicates,
)
from services.intake.domain.name_matching import name_block, name_key
from services.intake.flows import audit
from services.intake.flows.candidates import facts_of, registered_candidates
from services.intake.models import ACTIVE, Child
from services.intake.views import registered_payload
from shared import refusals
from shared.localtime import local_day
from shared.principal import Principal
from shared.runtime import Runtime, UnitOfWork

# Registration dates are the family's and the worker's: Tajikistan's calendar day.
WORKER_SOURCES = {"phw": "phw", "sah_worker": "sah_worker"}


class Refused(refusals.Refused):
    """Input that is well-formed but breaks a rule; `fields` is the 422 body's field map."""

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__(422, "validation_error", "some fields are invalid", fields=fields)


class OutsideDistricts(refusals.Refused):
    """The worker may not register children in this district."""

    def __init__(self, district: str) -> None:
        super().__init__(
            403, "forbidden", f"you may register children only in your districts, not in {district}"
        )
        self.district = district


class LikelyDuplicates(Exception):
    """Children already registered who may be this one; `confirmed_new` overrides.

    Not a refusal by itself: what the caller is told depends on who asks (see
    `duplicates_refused`), and the probe is audited after the registration rolled back.
    """

    def __init__(self, candidates: list[LikelyDuplicate]) -> None:
        super().__init__(f"{len(candidates)} likely duplicate(s)")
        self.candidates = candidates


def duplicates_refused(
    runtime: Runtime, exc: LikelyDuplicates, principal: Principal
) -> refusals.Refused:
    """409 with the likely duplicates the worker may see; others only counted, never shown.

    The probe is audited in its own transaction: the registration itself was rolled back.
    """
    mine = [d for d in exc.candidates if principal.covers_district(d.child.district_code)]
    elsewhere = len(exc.candidates) - len(mine)
    with runtime.unit_of_work() as uow:
        for duplicate in exc.candidates:
            in_scope = duplicate in mine
            audit.record(uow.session, principal, audit.DUPLICATE_PROBE, duplicate.child.id,
                         uow.now, {"in_your_districts": in_scope})  # fmt: skip
    message = (
        "This child may already be registered. If it is a different child, send the "
        'registration again with "confirmed_new": true.'
    )
    if elsewhere:
        message += (
            f" {elsewhere} registered child(ren) in other districts may also be this child: "
            "ask your district case manager to check with those districts before registering."
        )
    return refusals.Refused(
        409,
        "likely_duplicate",
        message,
        candidates=[{**d.summary(), "in_your_districts": True} for d in mine],
        other_districts=elsewhere,
    )


def local_today(now: datetime) -> date:
    """Return the calendar date in Tajikistan at an instant."""
    return local_day(now)


def registration_problems(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Return field errors that depend on the time: date of birth, consent in the future."""
    problems: dict[str, Any] = {}
    try:
        check_date_of_birth(data["child"]["date_of_birth"], local_today(now))
    except InvalidDateOfBirth as exc:
        problems["child"] = {"date_of_birth": [str(exc)]}
    recorded_at = (data.get("consent") or {}).get("recorded_at")
    if recorded_at and recorded_at > now:
        problems["consent"] = {"recorded_at": ["Consent cannot be recorded in the future."]}
    return problems


def register_child(
    uow: UnitOfWork,
    data: dict[str, Any],
    actor: Principal,
    action: str,
    candidates: Callable[[ChildFacts], list[RegisteredChild]] | None = None,
) -> Child:
    """Check the rules, write the child, audit it and emit child.registered, in one transaction.

    `candidates` supplies possible duplicates (an import's pool); by default they are queried.
    """
    problems = registration_problems(data, uow.now)
    if problems:
        raise Refused(problems)
    if not actor.covers_district(data["child"]["district_code"]):
        raise OutsideDistricts(data["child"]["district_code"])
    facts = facts_of(data)
    registered = candidates(facts) if candidates else registered_candidates(uow.session, facts)
    duplicates = find_likely_duplicates(facts, registered)
    if duplicates and not data.get("confirmed_new"):
        raise LikelyDuplicates(duplicates)
    child = new_child(data, actor, uow.now)
    uow.session.add(child)
    audit.record(uow.session, actor, action, child.id, uow.now)
    uow.emit("child.registered", registered_payload(child), correlation_id=child.id)
    return child


def name_columns(given: str, family: str, patronymic: str | None) -> dict[str, str]:
    """Return the search key and candidate block stored beside the names."""
    key = name_key(" ".join(p for p in (given, family, patronymic) if p))
    return {"name_key": f" {key} ", "family_block": name_block(family)}


def new_child(data: dict[str, Any], actor: Principal, now: datetime) -> Child:
    """Build the record of a new registration (not yet added to the session)."""
    child, guardian = data["child"], data["guardian"]
    # No consent section: registered all the same, but marked so that nobody can refer.
    consent = data.get("consent") or {}
    screening = data.get("screening") or {}
    return Child(
        id=str(uuid.uuid4()),
        status=ACTIVE,
        **child,
        **name_columns(child["given_name"], child["family_name"], child["patronymic"]),
        birth_year=child["date_of_birth"].year,
        guardian_name=guardian["name"],
        guardian_relationship=guardian["relationship"],
        guardian_phone=guardian["phone"].e164,
        guardian_sms_capable=guardian["phone"].sms_capable,
        guardian_language=guardian["language"],
        sms_consent=guardian["sms_consent"],
        data_sharing_consent=consent.get("data_sharing", False),
        consent_given_by=consent.get("given_by"),
        consent_recorded_at=(consent.get("recorded_at") or now) if consent else None,
        concerns=screening.get("concerns", []),
        urgent=screening.get("urgent", False),
        urgent_reason=screening.get("urgent_reason"),
        screening_note=screening.get("note"),
        screening_source=screening.get("source") or WORKER_SOURCES.get(actor.role),
        registered_by_sub=actor.sub,
        registered_by_role=actor.role,
        registered_at=now,
        updated_at=now,
        consent_withdrawn_at=None,
    )
