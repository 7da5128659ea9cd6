"""Queries over referral's tables, and their translation into the domain's plain objects."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from services.referral.domain import matching
from services.referral.domain.states import OPEN_STATES, PLACE_TAKING_STATES, Status
from services.referral.domain.waitlist import WaitingChild
from services.referral.models import ChildRecord, Provider, Referral, WaitlistEntry
from shared.db import first_unflushed

PLACE_TAKING = [s.value for s in PLACE_TAKING_STATES]


# The statements of every referral, acceptance and match, built once: building a statement
# and working out its cache key cost more CPU than PostgreSQL spent answering it.
_PLACES_TAKEN = (
    select(Referral.provider_id, func.count())
    .where(Referral.status.in_(PLACE_TAKING))
    .group_by(Referral.provider_id)
)
_PLACES_TAKEN_OF = _PLACES_TAKEN.where(
    Referral.provider_id.in_(bindparam("provider_ids", expanding=True))
)
_PENDING_OFFERS = select(func.count()).where(
    Referral.provider_id == bindparam("provider_id"), Referral.status == Status.SENT
)
_LOCK_PROVIDER = select(Provider).where(Provider.id == bindparam("id")).with_for_update()
_LOCK_REFERRAL = select(Referral).where(Referral.id == bindparam("id")).with_for_update()


def places_taken(session: Session, provider_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Count accepted and in-progress referrals per provider."""
    if provider_ids is None:
        rows = session.execute(_PLACES_TAKEN)
    else:
        rows = session.execute(_PLACES_TAKEN_OF, {"provider_ids": list(provider_ids)})
    return {pid: count for pid, count in rows.all()}


def pending_offers(session: Session, provider_id: str) -> int:
    """Count referrals sent to a provider and not yet answered."""
    return session.execute(_PENDING_OFFERS, {"provider_id": provider_id}).scalar_one()


def lock_provider(session: Session, provider_id: str) -> Provider | None:
    """Load a provider and hold its row until commit: capacity decisions queue up here."""
    return session.execute(_LOCK_PROVIDER, {"id": provider_id}).scalar_one_or_none()


def lock_referral(session: Session, referral_id: str) -> Referral | None:
    """Load a referral and hold its row until commit."""
    return session.execute(_LOCK_REFERRAL, {"id": referral_id}).scalar_one_or_none()


def open_referral(session: Session, child_id: str, service_type: str) -> Referral | None:
    """Return the child's open referral for a service type, if any."""
    query = select(Referral).where(
        Referral.child_id == child_id,
        Referral.service_type == service_type,
        Referral.status.in_([s.value for s in OPEN_STATES]),
    )
    return session.execute(query).scalars().first()


def waiting_entry(session: Session, child_id: str, service_type: str) -> WaitlistEntry | None:
    """Return the child's waiting-list entry for a service type, if the child waits."""
    return first_unflushed(
        session, WaitlistEntry, child_id=child_id, service_type=service_type, status="waiting"
    )


def waiting_with_children(
    session: Session, service_types: Iterable[str] | None = None
) -> list[tuple[WaitlistEntry, ChildRecord]]:
    """Return waiting entries with their children, optionally for some service types."""
    query = (
        select(WaitlistEntry, ChildRecord)
        .join(ChildRecord, ChildRecord.id == WaitlistEntry.child_id)
        .where(WaitlistEntry.status == "waiting")
    )
    if service_types is not None:
        query = query.where(WaitlistEntry.service_type.in_(list(service_types)))
    return [(entry, child) for entry, child in session.execute(query).all()]


def refused_by(session: Session, provider_id: str) -> set[tuple[str, str]]:
    """Return (child, service type) pairs this provider declined or let expire."""
    query = select(Referral.child_id, Referral.service_type).where(
        Referral.provider_id == provider_id,
        Referral.status.in_([Status.DECLINED.value, Status.EXPIRED.value]),
    )
    return {(child, kind) for child, kind in session.execute(query).all()}


def to_provider(provider: Provider, taken: int = 0) -> matching.Provider:
    """Translate a provider row into the domain's provider."""
    return matching.Provider(
        id=provider.id,
        name=provider.name,
        service_types=tuple(provider.service_types or ()),
        districts_served=tuple(provider.districts_served or ()),
        district_code=provider.district_code,
        min_age=provider.min_age,
        max_age=provider.max_age,
        places=provider.places,
        places_taken=taken,
        accredited=provider.accredited,
        active=provider.active,
        latitude=provider.latitude,
        longitude=provider.longitude,
        languages=tuple(provider.languages or ()),
        compliance_level=provider.compliance_level,
        compliance_score=provider.compliance_score,
        last_inspection_date=provider.last_inspection_date,
    )


def domain_providers(session: Session) -> list[matching.Provider]:
    """Return every provider as the domain sees it, with places taken."""
    taken = places_taken(session)
    providers = session.execute(select(Provider)).scalars().all()
    return [to_provider(p, taken.get(p.id, 0)) for p in providers]


def to_child(child: ChildRecord) -> matching.Child:
    """Translate a child row into the domain's child."""
    return matching.Child(
        district_code=child.district_code or "",
        date_of_birth=child.date_of_birth,
        language=child.guardian_language,
    )


def to_waiting(entry: WaitlistEntry, child: ChildRecord) -> WaitingChild:
    """Translate a waiting-list row into the domain's waiting child."""
    return WaitingChild(
        entry_id=entry.id,
        child_id=entry.child_id,
        service_type=entry.service_type,
        region_code=entry.region_code,
        district_code=entry.district_code,
        priority=entry.priority,
        waiting_since=entry.waiting_since,
        date_of_birth=child.date_of_birth,
        language=child.guardian_language,
    )
