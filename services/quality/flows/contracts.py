"""Signing and changing contracts; each change tells referral the places bought."""

from __future__ import annotations

import uuid

from services.quality import payloads
from services.quality.domain.contracts import period_problems
from services.quality.models import Contract
from shared.refusals import Refused
from shared.runtime import UnitOfWork


def sign(uow: UnitOfWork, body: dict, author: str) -> Contract:
    """Record a signed contract and emit contract.signed."""
    contract = Contract(
        id=str(uuid.uuid4()),
        **{**body, "provider_id": str(body["provider_id"])},
        status="active",
        revision=1,
        created_by=author,
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.session.add(contract)
    uow.session.flush()
    uow.emit(
        "contract.signed", payloads.contract_terms(contract), correlation_id=contract.provider_id
    )
    return contract


def _invalid(fields: dict[str, list[str]]) -> Refused:
    return Refused(422, "validation_error", "some fields are invalid", fields=fields)


def change(uow: UnitOfWork, contract: Contract, body: dict) -> None:
    """Apply an amendment (new revision) and emit contract.changed; refuse what breaks a rule."""
    problems = period_problems(contract.start_date, body.get("end_date", contract.end_date))
    if problems:
        raise _invalid(problems)
    if contract.status == "terminated":
        raise _invalid({"status": ["A terminated contract cannot change."]})
    for name, value in body.items():
        setattr(contract, name, value)
    contract.revision += 1
    contract.updated_at = uow.now
    uow.session.flush()
    uow.emit(
        "contract.changed", payloads.contract_terms(contract), correlation_id=contract.provider_id
    )
