"""Publishing standard versions and finding the one in force."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.quality.domain import standards as rules
from services.quality.models import Standard
from shared.runtime import UnitOfWork


def to_version(row: Standard) -> rules.StandardVersion:
    """Translate a row into the domain's standard version."""
    criteria = tuple(
        rules.Criterion(c["code"], c["text"], tuple(c.get("indicators", ()))) for c in row.criteria
    )
    return rules.StandardVersion(
        row.id, row.service_type, row.version, row.effective_from, criteria
    )


def _rows(session: Session, service_type: str, lock: bool = False) -> list[Standard]:
    query = select(Standard).where(Standard.service_type == service_type)
    if lock:
        query = query.with_for_update()
    return list(session.execute(query).scalars())


def publish_version(uow: UnitOfWork, body: dict, author: str) -> Standard:
    """Add the next version of a standard; an inspection on or after its date uses it."""
    existing = _rows(uow.session, body["service_type"], lock=True)
    row = Standard(
        id=str(uuid.uuid4()),
        version=rules.next_version(to_version(r) for r in existing),
        created_by=author,
        created_at=uow.now,
        **body,
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def in_force(session: Session, service_type: str, on: date) -> Standard | None:
    """The standard version of a service type in force on a date."""
    rows = {r.id: r for r in _rows(session, service_type)}
    chosen = rules.in_force((to_version(r) for r in rows.values()), on)
    return rows[chosen.id] if chosen else None


def versions_of(session: Session, service_type: str | None, on: date) -> list[Standard]:
    """The versions in force on a date, for one service type or all."""
    kinds = [service_type] if service_type else list(rules.SERVICE_TYPES)
    found = (in_force(session, kind, on) for kind in kinds)
    return [row for row in found if row is not None]
