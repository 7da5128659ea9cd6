"""The commissioning figures: places bought against places used, cost, and unmet demand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.domain import commissioning as figures
from services.referral.domain.matching import is_eligible
from services.referral.domain.states import PLACE_TAKING_STATES, Status
from services.referral.flows.quality import contracts_of
from services.referral.models import ChildRecord, Need, Provider, Referral, WaitlistEntry
from services.referral.settings import geography, region_of
from shared.spreadsheets import Sheet


def _count(session: Session, statuses: list[str]) -> dict[tuple[str, str], int]:
    query = (
        select(Referral.provider_id, Referral.service_type, func.count())
        .where(Referral.status.in_(statuses))
        .group_by(Referral.provider_id, Referral.service_type)
    )
    return {(p, s): n for p, s, n in session.execute(query).all()}


def _waiting(session: Session) -> list[tuple[str, str]]:
    query = select(WaitlistEntry.district_code, WaitlistEntry.service_type).where(
        WaitlistEntry.status == "waiting"
    )
    return [(d, s) for d, s in session.execute(query).all()]


def _no_eligible_provider(session: Session, day: date) -> list[tuple[str, str]]:
    """(district, service type) of assessed children whom no active provider may take."""
    providers = repo.domain_providers(session)
    query = (
        select(Need.service_type, ChildRecord)
        .join(ChildRecord, ChildRecord.id == Need.child_id)
        .where(Need.status == "open", ChildRecord.erased_at.is_(None))
    )
    found = []
    for kind, child_row in session.execute(query).all():
        child = repo.to_child(child_row)
        if not any(is_eligible(child, p, kind, day) for p in providers):
            found.append((child.district_code, kind))
    return found


def report(session: Session, day: date) -> dict[str, Any]:
    """Funded against used places per provider and service type, unmet demand, where to buy."""
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    used = _count(session, [s.value for s in PLACE_TAKING_STATES])
    served = _count(session, [Status.IN_PROGRESS.value])
    funded = figures.funded_vs_used(contracts_of(session), used, served, day)
    gaps = figures.unmet_demand(_waiting(session), _no_eligible_provider(session, day))
    monthly = sum((f.monthly_cost for f in funded), Decimal(0))
    children = sum(f.children_served for f in funded if f.funded_places)
    return {
        "on": day,
        "currency": "TJS",
        "funded": [_funded_view(f, names) for f in funded],
        "totals": {
            "funded_places": sum(f.funded_places for f in funded),
            "places_used": sum(f.places_used for f in funded if f.funded_places),
            "children_served": children,
            "monthly_cost": monthly,
            "cost_per_child_month": (monthly / children).quantize(Decimal("0.01"))
            if children
            else None,
        },
        "unmet_demand": [_gap_view(g) for g in gaps],
        "where_to_contract": figures.best_new_contracts(gaps, region_of),
    }


def _funded_view(f: figures.Funded, names: dict[str, str]) -> dict[str, Any]:
    return {
        "provider_id": f.provider_id, "provider_name": names.get(f.provider_id),
        "service_type": f.service_type, "funded_places": f.funded_places,
        "places_used": f.places_used, "children_served": f.children_served,
        "use_rate": f.use_rate, "monthly_cost": f.monthly_cost,
        "cost_per_child_month": f.cost_per_child_month,
    }  # fmt: skip


def _gap_view(g: figures.Gap) -> dict[str, Any]:
    return {
        "district_code": g.district_code, "district_name": geography().name_of(g.district_code),
        "region_code": region_of(g.district_code), "service_type": g.service_type,
        "waiting": g.waiting, "no_eligible_provider": g.no_eligible_provider, "unmet": g.unmet,
    }  # fmt: skip


def tables(body: dict[str, Any]) -> list[Sheet]:
    """The report as sheets for the CSV and XLSX exports."""
    funded_cols = (
        "provider_id", "provider_name", "service_type", "funded_places", "places_used",
        "children_served", "use_rate", "monthly_cost", "cost_per_child_month",
    )  # fmt: skip
    gap_cols = ("district_code", "district_name", "region_code", "service_type", "waiting",
                "no_eligible_provider", "unmet")  # fmt: skip
    where_cols = ("region_code", "service_type", "children_reached", "locate_in", "districts")
    return [
        Sheet("funded_places", funded_cols, [_row(f, funded_cols) for f in body["funded"]]),
        Sheet("unmet_demand", gap_cols, [_row(g, gap_cols) for g in body["unmet_demand"]]),
        Sheet(
            "where_to_contract",
            where_cols,
            [
                _row({**w, "districts": " ".join(w["districts"])}, where_cols)
                for w in body["where_to_contract"]
            ],
        ),  # fmt: skip
    ]


def _row(item: dict[str, Any], columns: tuple[str, ...]) -> list[object]:
    return [float(v) if isinstance(v, Decimal) else v for v in (item[c] for c in columns)]
