"""Referral's tables: providers, the minimum about children, needs, referrals, the waiting list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.referral.domain.states import OPEN_STATES, Status
from shared.access_audit import access_audit_table
from shared.db import UtcDateTime
from shared.ordering import ChildOrdering, ordering_tables
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime()}


TABLES = messaging_tables(Base.metadata)
# Reads of a child's records: who, what, when (shared.access_audit).
ACCESS_AUDIT = access_audit_table(Base.metadata)
# Per-child field versions and parked updates: intake's events applied in any order.
ORDERING = ChildOrdering(*ordering_tables(Base.metadata))

ID = String(36)
# The open states of the domain's state machine, in its order (the partial indexes name them).
OPEN_STATUSES = tuple(s.value for s in Status if s in OPEN_STATES)


class Provider(Base):
    """A service provider: organisation, service, location and capacity in one row."""

    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # Not unique: two centres may share a name (in different organisations or districts).
    name: Mapped[str] = mapped_column(String(200), index=True)
    # The name as Tajik- and Russian-speaking families read it (SMS pick by their language).
    name_tg: Mapped[str | None] = mapped_column(String(200))
    name_ru: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    service_types: Mapped[list[str]] = mapped_column(JSON)
    districts_served: Mapped[list[str]] = mapped_column(JSON)
    district_code: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(JSON)
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    places: Mapped[int]
    accredited: Mapped[bool]
    last_inspection_date: Mapped[date | None] = mapped_column(Date)
    # From the quality service's provider.inspected: the last inspection's score and level.
    compliance_score: Mapped[float | None] = mapped_column(Float)
    compliance_level: Mapped[str | None] = mapped_column(String(20))
    last_inspection_id: Mapped[str | None] = mapped_column(ID)
    active: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class ChildRecord(Base):
    """The minimum the referral service keeps about a child, from intake's events."""

    __tablename__ = "children"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    district_code: Mapped[str | None] = mapped_column(String(50), index=True)
    region_code: Mapped[str | None] = mapped_column(String(10))
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_language: Mapped[str | None] = mapped_column(String(2))
    data_sharing: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime | None] = mapped_column()
    first_assessed_at: Mapped[datetime | None] = mapped_column()
    erased_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class Need(Base):
    """A child's need for one service type, opened by an assessment; it ends placed or closed."""

    __tablename__ = "needs"
    __table_args__ = (UniqueConstraint("child_id", "service_type", name="uq_need_child_service"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    service_type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    # open | referred | waitlisted | placed | closed
    status: Mapped[str] = mapped_column(String(12), index=True)
    assessment_id: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class Referral(Base):
    """One referral of a child to a provider for a service type, and its closed loop."""

    __tablename__ = "referrals"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    service_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str] = mapped_column(String(10))
    district_code: Mapped[str] = mapped_column(String(50), index=True)
    region_code: Mapped[str] = mapped_column(String(10))
    automatic: Mapped[bool] = mapped_column(default=False)
    waitlist_entry_id: Mapped[str | None] = mapped_column(ID)
    created_by: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime] = mapped_column()
    respond_by: Mapped[datetime] = mapped_column()
    remind_at: Mapped[datetime] = mapped_column()
    reminded_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(200))
    decline_reason: Mapped[str | None] = mapped_column(String(30))
    decline_note: Mapped[str | None] = mapped_column(Text)
    expired_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # Codes travel in events; what a person typed beyond a code stays here (erased on withdrawal).
    outcome_note: Mapped[str | None] = mapped_column(Text)
    cancel_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column()


_open = Referral.status.in_(OPEN_STATUSES)
# One open referral per child and service type, enforced by the database under concurrency.
Index(
    "uq_referral_open",
    Referral.child_id,
    Referral.service_type,
    unique=True,
    postgresql_where=_open,
    sqlite_where=_open,
)
Index("ix_referral_due", Referral.status, Referral.respond_by)
Index("ix_referral_remind", Referral.status, Referral.remind_at)


class WaitlistEntry(Base):
    """A child waiting for a service type in a region; it leaves when referred or removed."""

    __tablename__ = "waitlist"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    service_type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(10))
    district_code: Mapped[str] = mapped_column(String(50))
    priority: Mapped[str] = mapped_column(String(10))
    waiting_since: Mapped[datetime] = mapped_column()
    # waiting | referred | removed
    status: Mapped[str] = mapped_column(String(10))
    left_at: Mapped[datetime | None] = mapped_column()
    left_reason: Mapped[str | None] = mapped_column(String(50))
    created_by: Mapped[str] = mapped_column(String(100))


_waiting = WaitlistEntry.status == "waiting"
Index(
    "uq_waitlist_waiting",
    WaitlistEntry.child_id,
    WaitlistEntry.service_type,
    unique=True,
    postgresql_where=_waiting,
    sqlite_where=_waiting,
)
Index("ix_waitlist_queue", WaitlistEntry.status, WaitlistEntry.service_type)


class ReportChild(Base):
    """The report's read model: one child's place and the first time of each stage."""

    __tablename__ = "report_children"

    child_id: Mapped[str] = mapped_column(ID, primary_key=True)
    district_code: Mapped[str | None] = mapped_column(String(50), index=True)
    region_code: Mapped[str | None] = mapped_column(String(10))
    registered: Mapped[datetime | None] = mapped_column()
    scheduled: Mapped[datetime | None] = mapped_column()
    assessed: Mapped[datetime | None] = mapped_column()
    with_difficulty: Mapped[datetime | None] = mapped_column()
    referred: Mapped[datetime | None] = mapped_column()
    accepted: Mapped[datetime | None] = mapped_column()
    started: Mapped[datetime | None] = mapped_column()
    completed: Mapped[datetime | None] = mapped_column()
    declined: Mapped[datetime | None] = mapped_column()
    expired: Mapped[datetime | None] = mapped_column()
    waitlisted: Mapped[datetime | None] = mapped_column()
    left_waitlist: Mapped[datetime | None] = mapped_column()


class ContractRecord(Base):
    """A contract as the quality service last told it: the places a provider's capacity follows."""

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ID, index=True)
    commissioner: Mapped[str] = mapped_column(String(50))
    service_type: Mapped[str] = mapped_column(String(20))
    places: Mapped[int]
    price_per_place_month: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    districts: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column()


class AssessmentResult(Base):
    """A completed assessment's domain results: a care plan's baseline and its re-assessments."""

    __tablename__ = "assessment_results"

    assessment_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    child_id: Mapped[str] = mapped_column(ID, index=True)
    domains: Mapped[dict] = mapped_column(JSON)
    review: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime] = mapped_column()


class CarePlan(Base):
    """The individual plan the provider and case manager keep while a service runs."""

    __tablename__ = "care_plans"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), unique=True)
    child_id: Mapped[str] = mapped_column(ID, index=True)
    # [{"domain", "goal", "activities": [{"activity", "by", "frequency"}]}]
    goals: Mapped[list[dict]] = mapped_column(JSON)
    baseline_assessment_id: Mapped[str | None] = mapped_column(String(100))
    next_review_date: Mapped[date | None] = mapped_column(Date)
    # open | closed
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(30))
    # what the keepers wrote when closing; kept here only, never in events or logs
    close_note: Mapped[str | None] = mapped_column(String(1000))
    # 1 when written, one more at each revision of goals, activities or the next review
    revision: Mapped[int] = mapped_column(server_default="1")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()


class CarePlanVersion(Base):
    """An earlier revision of a plan, kept when it is revised, so earlier reviews still read."""

    __tablename__ = "care_plan_versions"

    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plans.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(primary_key=True)
    goals: Mapped[list[dict]] = mapped_column(JSON)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()


class CarePlanReview(Base):
    """A review of a care plan: progress per goal, and change per domain when re-assessed."""

    __tablename__ = "care_plan_reviews"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plans.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    # [{"goal": index, "progress": code, "note": text}]
    progress: Mapped[list[dict]] = mapped_column(JSON)
    assessment_id: Mapped[str | None] = mapped_column(String(100))
    # {"walking": "improved" | "same" | "worse"}
    domain_change: Mapped[dict | None] = mapped_column(JSON)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    # the plan's revision the progress marks refer to (goals by index)
    plan_revision: Mapped[int] = mapped_column(server_default="1")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
