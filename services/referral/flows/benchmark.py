"""Provider benchmarking and district coverage from this service's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.domain.benchmark import (
    BenchReferral,
    WaitingAssessment,
    benchmark,
    coverage,
)
from services.referral.domain.matching import Provider
from services.referral.domain.reports import ReportFilter
from services.referral.models import ChildRecord, Referral
from shared.districts import DISTRICTS


def providers_report(
    session: Session, scope: ReportFilter, service_type: str | None
) -> dict[str, Any]:
    """Benchmark the providers in scope over the referrals sent to them in the period."""
    providers = [p for p in repo.domain_providers(session) if _provider_in(p, scope, service_type)]
    refs = [
        _bench_row(r)
        for r in session.execute(select(Referral)).scalars()
        if scope.keeps_place(r.district_code, r.region_code)
        and scope.keeps_time(r.sent_at)
        and (not service_type or r.service_type == service_type)
    ]
    regions = {code: d.region_code for code, d in DISTRICTS.items()}
    return {"service_type": service_type, "items": benchmark(refs, providers, regions)}


def coverage_report(
    session: Session, now: datetime, scope: ReportFilter, service_type: str | None
) -> dict[str, Any]:
    """Per district in scope: who waits, who serves it, and where no free place is reachable."""
    children = session.execute(
        select(ChildRecord).where(
            ChildRecord.first_assessed_at.is_(None), ChildRecord.erased_at.is_(None),
            ChildRecord.district_code.is_not(None),
        )
    ).scalars()  # fmt: skip
    waiting = [
        WaitingAssessment(c.district_code or "", c.region_code or "", c.registered_at)
        for c in children
        if scope.keeps_place(c.district_code or "", c.region_code or "")
        and scope.keeps_time(c.registered_at)
    ]
    queue = [repo.to_waiting(e, c) for e, c in repo.waiting_with_children(session)]
    queue = [w for w in queue if scope.keeps_place(w.district_code, w.region_code)]
    figures = coverage(waiting, queue, repo.domain_providers(session), service_type, now)
    items = [
        {"district_code": code, "region_code": DISTRICTS[code].region_code, **values}
        for code, values in figures.items()
        if code in DISTRICTS and scope.keeps_place(code, DISTRICTS[code].region_code)
    ]
    return {"service_type": service_type, "items": items}


def _provider_in(provider: Provider, scope: ReportFilter, service_type: str | None) -> bool:
    if service_type and service_type not in provider.service_types:
        return False
    served = [c for c in provider.districts_served if c in DISTRICTS]
    return any(scope.keeps_place(c, DISTRICTS[c].region_code) for c in served)


def _bench_row(referral: Referral) -> BenchReferral:
    return BenchReferral(
        provider_id=referral.provider_id,
        service_type=referral.service_type,
        status=referral.status,
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        accepted_at=referral.accepted_at,
        started_at=referral.started_at,
    )
