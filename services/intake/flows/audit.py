"""The audit trail: every read and write of a child's record, appended and never changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.intake.models import AuditEntry
from shared.principal import Principal

REGISTER = "register"
IMPORT = "import"
READ = "read"
LIST = "list"
UPDATE = "update"
WITHDRAW_CONSENT = "withdraw_consent"
READ_AUDIT = "read_audit"
# A registration was refused as a likely duplicate of this child (who probed, not what).
DUPLICATE_PROBE = "duplicate_probe"
CORRECT = "correct"
MERGE = "merge"


def record(
    session: Session,
    actor: Principal,
    action: str,
    child_id: str,
    at: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    record_many(session, actor, action, [child_id], at, details)


def record_many(
    session: Session,
    actor: Principal,
    action: str,
    child_ids: Iterable[str],
    at: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit row per child (a page of a list), in the caller's transaction."""
    # Added, not executed: they are written with the transaction's other rows in one go.
    session.add_all(
        AuditEntry(
            at=at,
            actor_sub=actor.sub,
            actor_role=actor.role,
            action=action,
            child_id=child_id,
            details=details,
        )
        for child_id in child_ids
    )


def trail(child_id: str) -> Select:
    """Return the query of a child's audit rows, oldest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.child_id == child_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
