"""What every referral resource does the same way: scopes, today's date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.referral import queries as repo
from services.referral.models import ACCESS_AUDIT, ChildRecord, Referral
from services.referral.settings import local_today
from shared import access_audit
from shared.auth import Principal, not_found_unless
from shared.web import current_runtime


def audit_reads(
    session: Session, principal: Principal, action: str, resource: str, records: list
) -> None:
    """Record that the caller was shown these (record id, child id) pairs."""
    access_audit.record_reads(
        session, ACCESS_AUDIT, principal, action, resource, records, current_runtime().now()
    )


def today() -> date:
    """Today's date in Tajikistan by the runtime's clock."""
    return local_today(current_runtime().now())


def child_in_scope(session: Session, principal: Principal, child_id: str) -> ChildRecord:
    """Return a child the caller may act on; 404 when unknown or outside the caller's districts."""
    child = session.get(ChildRecord, child_id)
    not_found_unless(child is not None and principal.covers_district(child.district_code), "child")
    assert child is not None
    return child


def can_see(principal: Principal, referral: Referral) -> bool:
    """Tell whether a referral is inside the caller's scope."""
    if principal.role == "provider":
        return referral.provider_id == principal.provider_id
    return principal.covers_district(referral.district_code)


def referral_in_scope(
    session: Session, principal: Principal, referral_id: str, lock: bool = False
) -> Referral:
    """Return a referral the caller may see (locked for a change when asked); 404 otherwise."""
    if lock:
        referral = repo.lock_referral(session, referral_id)
    else:
        referral = session.get(Referral, referral_id)
    not_found_unless(referral is not None and can_see(principal, referral), "referral")
    assert referral is not None
    return referral
