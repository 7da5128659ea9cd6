"""Quality's tables: standards (versioned), inspections with their actions, contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Float, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime()}


TABLES = messaging_tables(Base.metadata)
ID = String(36)


class Standard(Base):
    """One version of the standard of a service type: criteria with indicators, as data."""

    __tablename__ = "standards"
    __table_args__ = (UniqueConstraint("service_type", "version", name="uq_standard_version"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_type: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    effective_from: Mapped[date] = mapped_column(Date)
    # [{"code", "text", "indicators": [..]}]
    criteria: Mapped[list[dict]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()


class Inspection(Base):
    """A provider inspected against the standard in force on the day."""

    __tablename__ = "inspections"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ID, index=True)
    service_type: Mapped[str] = mapped_column(String(20))
    standard_id: Mapped[str] = mapped_column(ForeignKey("standards.id"))
    standard_version: Mapped[int]
    inspected_on: Mapped[date] = mapped_column(Date)
    # [{"criterion", "rating", "evidence"}]
    findings: Mapped[list[dict]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(20))
    accredited: Mapped[bool]
    inspector: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()


class RequiredAction(Base):
    """What a provider must put right after an inspection, by a date, and its follow-up."""

    __tablename__ = "required_actions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ID, index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    # open | answered | done | overdue is derived from due_date
    status: Mapped[str] = mapped_column(String(10))
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column()
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class Contract(Base):
    """Places the ministry or a district buys from a provider for a service type and period."""

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    reference: Mapped[str] = mapped_column(String(60))
    # "ministry" or the code of the district that commissions
    commissioner: Mapped[str] = mapped_column(String(50))
    provider_id: Mapped[str] = mapped_column(ID, index=True)
    service_type: Mapped[str] = mapped_column(String(20))
    places: Mapped[int]
    price_per_place_month: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    districts: Mapped[list[str]] = mapped_column(JSON)
    # active | terminated
    status: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
