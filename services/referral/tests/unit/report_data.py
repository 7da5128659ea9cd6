"""A small known data set whose report figures are worked out by hand in the tests."""

from __future__ import annotations

from datetime import date

from services.referral.domain.reports import ChildJourney, ReferralRow
from services.referral.domain.waitlist import WaitingChild

from .helpers import at, provider

NOW = at(25)
PROVIDERS = [
    provider("p1", name="Chashma"),
    provider(
        "p2",
        name="Ghuncha",
        service_types=("day_care", "home_based"),
        districts_served=("hisor", "rudaki"),
        district_code="hisor",
    ),
    provider("p3", name="Mehr", districts_served=("khujand",), district_code="khujand"),
]


def service(rid, pid, status, sent, due, answered=None, accepted=None, reason=None, **kw):
    names = {"p1": "Chashma", "p2": "Ghuncha", "p3": "Mehr"}
    return ReferralRow(
        referral_id=rid,
        child_id=f"child-{rid}",
        provider_id=pid,
        provider_name=names[pid],
        service_type=kw.get("service_type", "day_care"),
        status=status,
        district_code=kw.get("district", "rudaki"),
        region_code=kw.get("region", "TJ-RA"),
        sent_at=sent,
        respond_by=due,
        answered_at=answered,
        accepted_at=accepted,
        decline_reason=reason,
    )


REFERRALS = [
    service("r1", "p1", "in_progress", at(1, 10), at(4, 10), at(2, 10), at(2, 10)),
    service("r2", "p1", "declined", at(3), at(6), at(7), reason="no_capacity"),
    service("r3", "p1", "expired", at(5), at(8)),
    service("r4", "p2", "declined", at(2), at(5), at(3), reason="other"),
    service("r5", "p2", "cancelled", at(10), at(13), service_type="home_based"),
    service("r6", "p2", "sent", at(24), at(30)),
    service("r7", "p1", "sent", at(17), at(20)),
    service(
        "r8",
        "p3",
        "completed",
        at(1),
        at(4),
        at(1, 12),
        at(1, 12),
        district="khujand",
        region="TJ-SU",
    ),
]


def journey(cid, reg, assessed, referred, accepted, district="rudaki", region="TJ-RA"):
    return ChildJourney(cid, district, region, reg, assessed, referred, accepted)


JOURNEYS = [
    journey("c1", at(1, month=10), at(3, month=10), at(5, month=10), at(6, month=10)),
    journey("c2", at(1, month=10), at(5, month=10), at(9, month=10), at(12, month=10)),
    journey("c3", at(1, month=10), at(11, month=10), None, None),
    journey("c4", None, at(2, month=10), at(3, month=10), None),
]


def wait(eid, district, region, service_type, since, born=date(2021, 1, 1)):
    return WaitingChild(eid, f"child-{eid}", service_type, region, district, "routine", since, born)


WAITING = [
    wait("w1", "rudaki", "TJ-RA", "day_care", at(15)),
    wait("w2", "rudaki", "TJ-RA", "day_care", at(5)),
    wait("w3", "rudaki", "TJ-RA", "home_based", at(21)),
    wait("w4", "murghob", "TJ-GB", "day_care", at(24, 12)),
    wait("w5", "khujand", "TJ-SU", "residential", at(20)),
]
