"""The ministry's summary: pure figures over plain rows, so any store can feed it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from .deadlines import answered_in_time, is_expired
from .matching import Provider, is_eligible
from .states import Status
from .waitlist import WaitingChild

SECONDS_PER_DAY = 86400.0
STAGES = (
    ("registration_to_assessment", "registered_at", "assessed_at"),
    ("assessment_to_referral", "assessed_at", "referred_at"),
    ("referral_to_acceptance", "referred_at", "accepted_at"),
    ("registration_to_acceptance", "registered_at", "accepted_at"),
)


@dataclass(frozen=True)
class ReferralRow:
    """One referral with the moments the report needs (from the events' timestamps)."""

    referral_id: str
    child_id: str
    provider_id: str
    provider_name: str
    service_type: str
    status: str
    district_code: str
    region_code: str
    sent_at: datetime
    respond_by: datetime
    answered_at: datetime | None = None
    accepted_at: datetime | None = None
    decline_reason: str | None = None


@dataclass(frozen=True)
class ChildJourney:
    """When a child was registered, assessed, first referred and first accepted."""

    child_id: str
    district_code: str
    region_code: str
    registered_at: datetime | None = None
    assessed_at: datetime | None = None
    referred_at: datetime | None = None
    accepted_at: datetime | None = None


@dataclass(frozen=True)
class ReportFilter:
    """The report's scope: a region, a district (or a set), and a period [start, end)."""

    region_code: str | None = None
    district_code: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    # A case manager's report covers only the districts the case manager works in.
    district_codes: frozenset[str] | None = None

    def keeps_place(self, district_code: str, region_code: str) -> bool:
        """Tell whether a district lies inside the scope."""
        if self.region_code and region_code != self.region_code:
            return False
        if self.district_codes is not None and district_code not in self.district_codes:
            return False
        return not self.district_code or district_code == self.district_code

    def keeps_time(self, moment: datetime | None) -> bool:
        """Tell whether a moment lies inside the period (no period keeps everything)."""
        if moment is None:
            return self.start is None and self.end is None
        if self.start and moment < self.start:
            return False
        return not (self.end and moment >= self.end)


def summarise(
    referrals: Iterable[ReferralRow],
    journeys: Iterable[ChildJourney],
    waiting: Iterable[WaitingChild],
    providers: Sequence[Provider],
    now: datetime,
    scope: ReportFilter | None = None,
) -> dict:
    """Compute the whole summary for the scope at `now`."""
    scope = scope or ReportFilter()
    refs = [r for r in referrals if _in_scope(scope, r.district_code, r.region_code, r.sent_at)]
    kids = [
        j for j in journeys if _in_scope(scope, j.district_code, j.region_code, j.registered_at)
    ]
    queue = [w for w in waiting if scope.keeps_place(w.district_code, w.region_code)]
    return {
        "referrals": referral_counts(refs),
        "providers": provider_figures(refs),
        "median_days": median_days(kids),
        "answered_within_deadline": deadline_share(refs, now),
        "waiting_list": waiting_by_district(queue, now),
        "coverage_gaps": coverage_gaps(queue, providers, now.date()),
    }


def referral_counts(refs: Sequence[ReferralRow]) -> dict:
    """Count referrals by status, and by service type and status."""
    by_type: dict[str, Counter] = defaultdict(Counter)
    for ref in refs:
        by_type[ref.service_type][ref.status] += 1
    return {
        "total": len(refs),
        "by_status": _status_counts(Counter(r.status for r in refs)),
        "by_service_type": {
            kind: {"total": sum(c.values()), "by_status": _status_counts(c)}
            for kind, c in sorted(by_type.items())
        },
    }


def provider_figures(refs: Sequence[ReferralRow]) -> list[dict]:
    """Return acceptance and decline rates and decline reasons per provider, by name."""
    grouped: dict[str, list[ReferralRow]] = defaultdict(list)
    for ref in refs:
        grouped[ref.provider_id].append(ref)
    rows = [_provider_row(pid, rows) for pid, rows in grouped.items()]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["provider_id"]))


def median_days(journeys: Sequence[ChildJourney]) -> dict[str, float | None]:
    """Return the median days of each stage over the children who went through it."""
    result: dict[str, float | None] = {}
    for name, start_attr, end_attr in STAGES:
        spans = [
            _days(getattr(j, start_attr), getattr(j, end_attr))
            for j in journeys
            if getattr(j, start_attr) and getattr(j, end_attr)
        ]
        spans = [d for d in spans if d >= 0]
        result[name] = round(median(spans), 1) if spans else None
    return result


def deadline_share(refs: Sequence[ReferralRow], now: datetime) -> dict:
    """Return how many referrals fell due and the share answered by their respond-by time."""
    due = [r for r in refs if r.answered_at is not None or _ran_out(r, now)]
    in_time = sum(answered_in_time(r.respond_by, r.answered_at) for r in due)
    return {"due": len(due), "in_time": in_time, "share": _ratio(in_time, len(due))}


def waiting_by_district(queue: Sequence[WaitingChild], now: datetime) -> list[dict]:
    """Return the waiting-list length and median wait in days per district."""
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in queue:
        grouped[(entry.region_code, entry.district_code)].append(_days(entry.waiting_since, now))
    return [
        {
            "region_code": region,
            "district_code": district,
            "children": len(waits),
            "median_wait_days": round(median(waits), 1),
        }
        for (region, district), waits in sorted(grouped.items())
    ]


def coverage_gaps(
    queue: Sequence[WaitingChild], providers: Sequence[Provider], today: date
) -> list[dict]:
    """Return districts where children wait for a service no provider could ever give them."""
    # Capacity is ignored on purpose: a full provider is a waiting list, not a gap.
    gaps: Counter = Counter()
    for entry in queue:
        child = entry.as_child()
        if not any(is_eligible(child, p, entry.service_type, today) for p in providers):
            gaps[(entry.region_code, entry.district_code, entry.service_type)] += 1
    return [
        {"region_code": r, "district_code": d, "service_type": s, "children_waiting": n}
        for (r, d, s), n in sorted(gaps.items())
    ]


def _in_scope(scope: ReportFilter, district: str, region: str, moment: datetime | None) -> bool:
    return scope.keeps_place(district, region) and scope.keeps_time(moment)


def _status_counts(counter: Counter) -> dict[str, int]:
    return {status.value: counter.get(status.value, 0) for status in Status}


def _provider_row(provider_id: str, refs: list[ReferralRow]) -> dict:
    accepted = sum(r.accepted_at is not None for r in refs)
    declined = [r for r in refs if r.status == Status.DECLINED]
    expired = sum(r.status == Status.EXPIRED for r in refs)
    # Only referrals the provider was asked to settle count: cancellations before an answer do not.
    settled = accepted + len(declined) + expired
    return {
        "provider_id": provider_id,
        "name": refs[0].provider_name,
        "referrals": len(refs),
        "accepted": accepted,
        "declined": len(declined),
        "expired": expired,
        "acceptance_rate": _ratio(accepted, settled),
        "decline_rate": _ratio(len(declined), settled),
        "decline_reasons": dict(sorted(Counter(r.decline_reason or "" for r in declined).items())),
    }


def _ran_out(ref: ReferralRow, now: datetime) -> bool:
    if ref.status == Status.EXPIRED:
        return True
    return ref.status == Status.SENT and is_expired(ref.respond_by, now)


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
