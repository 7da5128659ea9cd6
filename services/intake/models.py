"""Intake's tables: children (with guardian, consent and screening), idempotency keys, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.runtime import messaging_tables

ACTIVE = "active"
CONSENT_WITHDRAWN = "consent_withdrawn"
MERGED = "merged"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


TABLES = messaging_tables(Base.metadata)


class Child(Base):
    """A registered child; personal columns are emptied when the family withdraws consent."""

    __tablename__ = "children"
    __table_args__ = (
        Index("ix_children_district_block", "district_code", "family_block"),
        Index("ix_children_birth_phone", "date_of_birth", "guardian_phone"),
        Index("ix_children_registered", "registered_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    # Kept after consent withdrawal (the tombstone): id, district, birth year, dates.
    district_code: Mapped[str] = mapped_column(String(50))
    birth_year: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    consent_withdrawn_at: Mapped[datetime | None]
    registered_by_sub: Mapped[str] = mapped_column(String(100))
    registered_by_role: Mapped[str] = mapped_column(String(20))
    # A second registration of the same child points at the one that lives on.
    merged_into: Mapped[str | None] = mapped_column(String(36))
    merged_at: Mapped[datetime | None]

    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    jamoat: Mapped[str | None] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100))
    address_notes: Mapped[str | None] = mapped_column(String(500))
    # Latin matching key of given, family and patronymic (" word word "), for search.
    name_key: Mapped[str | None] = mapped_column(String(400))
    family_block: Mapped[str | None] = mapped_column(String(10))

    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relationship: Mapped[str | None] = mapped_column(String(20))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_sms_capable: Mapped[bool | None]
    guardian_language: Mapped[str | None] = mapped_column(String(2))
    sms_consent: Mapped[bool]

    data_sharing_consent: Mapped[bool]
    consent_given_by: Mapped[str | None] = mapped_column(String(20))
    consent_recorded_at: Mapped[datetime | None]

    concerns: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(default=False)
    urgent_reason: Mapped[str | None] = mapped_column(String(500))
    screening_note: Mapped[str | None] = mapped_column(Text)
    screening_source: Mapped[str | None] = mapped_column(String(20))

    @property
    def withdrawn(self) -> bool:
        """True once the family withdrew consent and the personal data was erased."""
        return self.status == CONSENT_WITHDRAWN

    @property
    def merged(self) -> bool:
        """True once this registration was merged into another child's."""
        return self.status == MERGED


class IdempotencyKey(Base):
    """A request made with an Idempotency-Key: its body's hash and the response it got."""

    __tablename__ = "idempotency_keys"

    owner: Mapped[str] = mapped_column(String(120), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what to which child's record, and when. Written once, never changed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_child_at", "child_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor_sub: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    child_id: Mapped[str] = mapped_column(String(36))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
