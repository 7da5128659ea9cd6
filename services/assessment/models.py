"""Assessment's tables: the copy of each child it needs, and the assessments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.access_audit import access_audit_table
from shared.db import UtcDateTime as UTCDateTime
from shared.ordering import ChildOrdering, ordering_tables
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


class Child(Base):
    """What this service keeps of a registered child, current through intake's events."""

    __tablename__ = "children"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    patronymic: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    district_code: Mapped[str] = mapped_column(String(100), index=True)
    jamoat: Mapped[str | None] = mapped_column(String(200))
    village: Mapped[str | None] = mapped_column(String(200))
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_relationship: Mapped[str | None] = mapped_column(String(200))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_language: Mapped[str | None] = mapped_column(String(5))
    screening_concerns: Mapped[list[str]] = mapped_column(JSON, default=list)
    screening_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Assessment(Base):
    """One needs assessment of a child: pending, scheduled, completed or cancelled."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_worklist", "district_code", "status", "due_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(100), index=True)
    district_code: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    review: Mapped[bool] = mapped_column(Boolean, default=False)
    # 1 for the first assessment of a child, then 2, 3… for reviews: the highest counts.
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    review_of: Mapped[str | None] = mapped_column(String(36))
    # Since when the child waits for this assessment: the worklist's "oldest first".
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    place_type: Mapped[str | None] = mapped_column(String(20))
    scheduled_by: Mapped[str | None] = mapped_column(String(100))
    assessed_on: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(100))
    instrument: Mapped[str | None] = mapped_column(String(30))
    age_group: Mapped[str | None] = mapped_column(String(10))
    age_months: Mapped[int | None] = mapped_column(Integer)
    walking_rule: Mapped[str | None] = mapped_column(String(30))
    # The answers are kept so that a change of the rules can be re-scored.
    answers: Mapped[dict[str, int] | None] = mapped_column(JSON)
    family_context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recommendation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    functional_difficulty: Mapped[bool | None] = mapped_column(Boolean)
    priority: Mapped[str | None] = mapped_column(String(10))
    cancelled_reason: Mapped[str | None] = mapped_column(String(100))


TABLES = messaging_tables(Base.metadata)
# Reads of a child's records: who, what, when (shared.access_audit).
ACCESS_AUDIT = access_audit_table(Base.metadata)
# Per-child field versions and parked updates: intake's events applied in any order.
ORDERING = ChildOrdering(*ordering_tables(Base.metadata))


class FamilyReply(Base):
    """A family's SMS reply about a child, until the case manager answers it (ids only)."""

    __tablename__ = "family_replies"

    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
