"""Provider benchmarking and district coverage: pure figures over plain rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from .matching import Provider, is_eligible
from .states import Status
from .waitlist import WaitingChild

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class BenchReferral:
    """One referral with the moments benchmarking needs."""

    provider_id: str
    service_type: str
    status: str
    sent_at: datetime
    answered_at: datetime | None = None
    accepted_at: datetime | None = None
    started_at: datetime | None = None


@dataclass(frozen=True)
class WaitingAssessment:
    """A registered child not yet assessed, in a district, and since when."""

    district_code: str
    region_code: str
    waiting_since: datetime | None = None


def benchmark(
    refs: Iterable[BenchReferral], providers: Sequence[Provider], regions: dict[str, str]
) -> list[dict]:
    """Per provider: referrals received, answer rates, median days to answer and to start,
    places and occupancy. `regions` maps a district code onto its region code."""
    grouped: dict[str, list[BenchReferral]] = defaultdict(list)
    for ref in refs:
        grouped[ref.provider_id].append(ref)
    rows = [_row(p, grouped.get(p.id, []), regions) for p in providers]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["provider_id"]))


def coverage(
    assessments: Iterable[WaitingAssessment],
    queue: Iterable[WaitingChild],
    providers: Sequence[Provider],
    service_type: str | None,
    now: datetime,
) -> dict[str, dict]:
    """Per district: children waiting for assessment and for a place, providers serving it
    (for the service type, or any), their free places, and whether a waiting child has no
    eligible provider with a free place."""
    out: dict[str, dict] = defaultdict(_empty_district)
    today, waits = now.date(), defaultdict(list)
    for waiting in assessments:
        out[waiting.district_code]["waiting_for_assessment"] += 1
        waits[waiting.district_code].append((waiting.waiting_since, now))
    for entry in queue:
        if service_type and entry.service_type != service_type:
            continue
        district = out[entry.district_code]
        district["waiting_for_place"] += 1
        child, kind = entry.as_child(), entry.service_type
        if not any(p.free_places and is_eligible(child, p, kind, today) for p in providers):
            district["children_without_free_place"] += 1
    for provider in providers:
        if not provider.active or (service_type and service_type not in provider.service_types):
            continue
        for code in provider.districts_served:
            out[code]["providers"] += 1
            out[code]["free_places"] += provider.free_places
    for code, figures in out.items():
        # A gap: a child waits for a place nobody eligible has free, or children wait for
        # assessment where no provider with a free place serves the district at all.
        unserved = figures["waiting_for_assessment"] > 0 and figures["free_places"] == 0
        figures["gap"] = figures["children_without_free_place"] > 0 or unserved
        figures["median_days_waiting_for_assessment"] = _median_days(waits.get(code, []))
    return dict(sorted(out.items()))


def _empty_district() -> dict:
    return {
        "waiting_for_assessment": 0, "waiting_for_place": 0, "children_without_free_place": 0,
        "providers": 0, "free_places": 0, "gap": False,
    }  # fmt: skip


def _row(provider: Provider, refs: list[BenchReferral], regions: dict[str, str]) -> dict:
    accepted = sum(r.accepted_at is not None for r in refs)
    declined = sum(r.status == Status.DECLINED for r in refs)
    expired = sum(r.status == Status.EXPIRED for r in refs)
    settled = accepted + declined + expired
    return {
        "provider_id": provider.id,
        "name": provider.name,
        "service_types": list(provider.service_types),
        "district_code": provider.district_code,
        "region_code": regions.get(provider.district_code or ""),
        "active": provider.active,
        "received": len(refs),
        "accepted": accepted,
        "declined": declined,
        "expired": expired,
        "acceptance_rate": _ratio(accepted, settled),
        "decline_rate": _ratio(declined, settled),
        "median_days_to_answer": _median_days((r.sent_at, r.answered_at) for r in refs),
        "median_days_to_start": _median_days((r.sent_at, r.started_at) for r in refs),
        "places": provider.places,
        "places_taken": provider.places_taken,
        "free_places": provider.free_places,
        "occupancy": _ratio(provider.places_taken, provider.places),
    }


def _median_days(spans: Iterable[tuple[datetime | None, datetime | None]]) -> float | None:
    spans = [(start, end) for start, end in spans if start and end]
    days = [(end - start).total_seconds() / SECONDS_PER_DAY for start, end in spans]
    days = [d for d in days if d >= 0]
    return round(median(days), 1) if days else None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
