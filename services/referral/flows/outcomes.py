"""The ministry's view of how services end: coded outcomes by service type and provider."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.referral.domain.states import Status
from services.referral.models import Provider, Referral


def outcomes(session: Session) -> dict[str, Any]:
    """Counts of completed referrals per (service type, provider, outcome code)."""
    query = (
        select(Referral.service_type, Referral.provider_id, Provider.name, Referral.outcome,
               func.count())
        .join(Provider, Provider.id == Referral.provider_id)
        .where(Referral.status == Status.COMPLETED.value)
        .group_by(Referral.service_type, Referral.provider_id, Provider.name, Referral.outcome)
    )  # fmt: skip
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, provider_id, name, outcome, count in session.execute(query).all():
        row = groups.setdefault((kind, provider_id), {
            "service_type": kind, "provider_id": provider_id, "provider_name": name,
            "completed": 0, "outcomes": {},
        })  # fmt: skip
        row["outcomes"][outcome or "other"] = count
        row["completed"] += count
    items = sorted(groups.values(), key=lambda r: (r["service_type"], r["provider_name"]))
    by_type: dict[str, dict[str, int]] = {}
    for row in items:
        totals = by_type.setdefault(row["service_type"], {})
        for code, count in row["outcomes"].items():
            totals[code] = totals.get(code, 0) + count
    return {"by_service_type": by_type, "by_provider": items}
