"""Following the quality service: inspections set accreditation, contracts set places."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.domain import commissioning
from services.referral.flows.placing import offer_places
from services.referral.models import ContractRecord
from services.referral.settings import local_today
from shared.runtime import Runtime, UnitOfWork

log = logging.getLogger(__name__)


def inspected(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Take accreditation, score and date from the provider's latest inspection."""
    provider = repo.lock_provider(uow.session, payload["provider_id"])
    if provider is None:
        log.warning("inspection of a provider not in the directory; ignored")
        return
    on = date.fromisoformat(payload["inspected_on"])
    # Events may arrive out of order: an older inspection never overwrites a newer one.
    if provider.last_inspection_date is not None and on < provider.last_inspection_date:
        return
    provider.accredited = payload["accredited"]
    provider.last_inspection_date = on
    provider.compliance_score = payload["score"]
    provider.compliance_level = payload["level"]
    provider.last_inspection_id = payload["inspection_id"]
    provider.updated_at = uow.now


def contract_told(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Keep the contract's latest revision, then let the provider's places follow."""
    row = uow.session.get(ContractRecord, payload["contract_id"])
    if row is not None and row.revision >= payload["revision"]:
        return
    terms = {
        "provider_id": payload["provider_id"], "commissioner": payload["commissioner"],
        "service_type": payload["service_type"], "places": payload["places"],
        "price_per_place_month": Decimal(payload["price_per_place_month"]),
        "currency": payload["currency"],
        "start_date": date.fromisoformat(payload["start_date"]),
        "end_date": date.fromisoformat(payload["end_date"]),
        "districts": list(payload["districts"]), "status": payload["status"],
        "revision": payload["revision"], "updated_at": uow.now,
    }  # fmt: skip
    if row is None:
        uow.session.add(ContractRecord(id=payload["contract_id"], **terms))
    else:
        for name, value in terms.items():
            setattr(row, name, value)
    uow.session.flush()
    follow_contracts(uow, payload["provider_id"])


def to_contract(row: ContractRecord) -> commissioning.Contract:
    """Translate a row into the domain's contract."""
    return commissioning.Contract(
        row.id, row.provider_id, row.service_type, row.places, row.price_per_place_month,
        row.start_date, row.end_date, tuple(row.districts or ()), row.status == "active",
    )  # fmt: skip


def contracts_of(session: Session, provider_id: str | None = None) -> list[commissioning.Contract]:
    """Contracts on record, for one provider or all."""
    query = select(ContractRecord)
    if provider_id is not None:
        query = query.where(ContractRecord.provider_id == provider_id)
    return [to_contract(r) for r in session.execute(query).scalars()]


def follow_contracts(uow: UnitOfWork, provider_id: str) -> bool:
    """Set a contracted provider's places to what its contracts buy today; offer new ones."""
    provider = repo.lock_provider(uow.session, provider_id)
    contracts = contracts_of(uow.session, provider_id)
    if provider is None or not contracts:
        return False
    today = local_today(uow.now)
    places = commissioning.contracted_places(contracts, provider.service_types or (), today)
    if places == provider.places:
        return False
    provider.places, provider.updated_at = places, uow.now
    uow.session.flush()
    offer_places(uow, provider.id)
    return True


def follow_all_contracts(runtime: Runtime) -> int:
    """Timer: contracts start and end with the calendar; move places when they do."""
    with runtime.unit_of_work() as uow:
        ids = set(uow.session.execute(select(ContractRecord.provider_id)).scalars())
    changed = 0
    for provider_id in sorted(ids):
        with runtime.unit_of_work() as uow:
            changed += follow_contracts(uow, provider_id)
    return changed


def has_contracts(session: Session, provider_id: str) -> bool:
    """Tell whether a provider's places follow contracts (so nobody sets them by hand)."""
    query = select(ContractRecord.id).where(ContractRecord.provider_id == provider_id).limit(1)
    return session.execute(query).first() is not None
