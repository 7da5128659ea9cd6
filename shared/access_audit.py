"""Who read which child's records, and when: one row per record shown, no personal data in it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from shared.db import UtcDateTime
from shared.principal import Principal

READ = "read"
LIST = "list"


def access_audit_table(metadata: MetaData) -> Table:
    """The append-only table of reads of children's records in one service."""
    return Table(
        "access_audit",
        metadata,
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("at", UtcDateTime(), nullable=False),
        Column("actor_sub", String(100), nullable=False),
        Column("actor_role", String(20), nullable=False),
        Column("action", String(20), nullable=False),
        Column("resource", String(40), nullable=False),
        Column("record_id", String(64), nullable=False),
        Column("child_id", String(64), nullable=True, index=True),
    )


def record_reads(
    session: Session,
    table: Table,
    actor: Principal,
    action: str,
    resource: str,
    records: Iterable[tuple[str, str | None]],
    at: datetime,
) -> None:
    """Append one row per (record id, child id) shown to the caller, in its transaction."""
    rows = [
        {"at": at, "actor_sub": actor.sub[:100], "actor_role": actor.role, "action": action,
         "resource": resource, "record_id": str(record_id), "child_id": child_id}
        for record_id, child_id in records
    ]  # fmt: skip
    if rows:
        session.execute(insert(table), rows)
