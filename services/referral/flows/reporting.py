"""The ministry summary from this service's tables (times from the events' timestamps)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.domain.reports import ChildJourney, ReferralRow, ReportFilter, summarise
from services.referral.domain.stages import StageRow, stage_report
from services.referral.models import ChildRecord, Provider, Referral, ReportChild
from shared.districts import DISTRICTS
from shared.localtime import LOCAL_TZ


def scope_from(
    region: str | None,
    district: str | None,
    first_day: date | None,
    last_day: date | None,
    districts: frozenset[str] | None,
) -> ReportFilter:
    """Build the report's scope; days are whole local days in Tajikistan, both inclusive."""
    start = datetime.combine(first_day, time(), LOCAL_TZ) if first_day else None
    end = datetime.combine(last_day + timedelta(days=1), time(), LOCAL_TZ) if last_day else None
    return ReportFilter(region, district, start, end, districts)


def summary(session: Session, now: datetime, scope: ReportFilter) -> dict[str, Any]:
    """Compute the summary for the scope at `now`."""
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    referrals = list(session.execute(select(Referral)).scalars())
    rows = [_referral_row(r, names) for r in referrals]
    journeys = _journeys(session, referrals)
    waiting = [repo.to_waiting(e, c) for e, c in repo.waiting_with_children(session)]
    providers = repo.domain_providers(session)
    result = summarise(rows, journeys, waiting, providers, now, scope)
    _add_compliance(result["providers"], {p.id: p for p in providers})
    stages = stage_report(_stage_rows(session), scope, now, _all_districts())
    return {"scope": _describe(scope), "generated_at": now, **stages, **result}


def _stage_rows(session: Session) -> list[StageRow]:
    rows = session.execute(select(ReportChild).where(ReportChild.district_code.is_not(None)))
    return [
        StageRow(**{c.key: getattr(row, c.key) for c in ReportChild.__table__.columns})
        for row in rows.scalars()
    ]


def _all_districts() -> list[tuple[str, str]]:
    return sorted((d.code, d.region_code) for d in DISTRICTS.values())


def _add_compliance(rows: list[dict[str, Any]], providers: dict) -> None:
    """Benchmarking: the last inspection beside acceptance and decline rates."""
    for row in rows:
        known = providers.get(row["provider_id"])
        row["compliance_level"] = known.compliance_level if known else None
        row["compliance_score"] = known.compliance_score if known else None
        inspected = known.last_inspection_date if known else None
        row["last_inspection_date"] = inspected.isoformat() if inspected else None


def _referral_row(referral: Referral, names: dict[str, str]) -> ReferralRow:
    return ReferralRow(
        referral_id=referral.id,
        child_id=referral.child_id,
        provider_id=referral.provider_id,
        provider_name=names.get(referral.provider_id, referral.provider_id),
        service_type=referral.service_type,
        status=referral.status,
        district_code=referral.district_code,
        region_code=referral.region_code,
        sent_at=referral.sent_at,
        respond_by=referral.respond_by,
        answered_at=referral.answered_at,
        accepted_at=referral.accepted_at,
        decline_reason=referral.decline_reason,
    )


def _journeys(session: Session, referrals: list[Referral]) -> list[ChildJourney]:
    first_sent: dict[str, datetime] = {}
    first_accepted: dict[str, datetime] = {}
    for ref in referrals:
        _keep_earliest(first_sent, ref.child_id, ref.sent_at)
        _keep_earliest(first_accepted, ref.child_id, ref.accepted_at)
    children = session.execute(select(ChildRecord).where(ChildRecord.district_code.is_not(None)))
    return [
        ChildJourney(
            child_id=child.id,
            district_code=child.district_code or "",
            region_code=child.region_code or "",
            registered_at=child.registered_at,
            assessed_at=child.first_assessed_at,
            referred_at=first_sent.get(child.id),
            accepted_at=first_accepted.get(child.id),
        )
        for child in children.scalars()
    ]


def _keep_earliest(seen: dict[str, datetime], key: str, moment: datetime | None) -> None:
    if moment is not None and (key not in seen or moment < seen[key]):
        seen[key] = moment


def _describe(scope: ReportFilter) -> dict[str, Any]:
    return {
        "region": scope.region_code,
        "district": scope.district_code,
        "from": scope.start.date().isoformat() if scope.start else None,
        "to": (scope.end - timedelta(days=1)).date().isoformat() if scope.end else None,
        "districts": sorted(scope.district_codes) if scope.district_codes is not None else None,
    }
