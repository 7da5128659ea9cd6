"""Notifications' tables: who to tell, what was sent, its history, opt-outs and replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.access_audit import access_audit_table
from shared.db import UtcDateTime
from shared.ordering import ChildOrdering, ordering_tables
from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


TABLES = messaging_tables(Base.metadata)
# Reads of a child's records: who, what, when (shared.access_audit).
ACCESS_AUDIT = access_audit_table(Base.metadata)
# Per-child field versions and parked updates: intake's events applied in any order.
ORDERING = ChildOrdering(*ordering_tables(Base.metadata))


class Contact(Base):
    """How to reach a child's family, kept from intake's events (erased on withdrawal)."""

    __tablename__ = "contacts"

    child_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    given_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    district_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_capable: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the welcome SMS needs when it is sent late (the phone became a mobile later).
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    urgent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Notification(Base):
    """One SMS to one recipient, created in the same transaction as the event that caused it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A redelivered event can never create a second SMS for the same recipient.
        UniqueConstraint("event_id", "recipient", name="uq_notifications_event_recipient"),
        Index("ix_notifications_due", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    event_type: Mapped[str] = mapped_column(String(100))
    template: Mapped[str] = mapped_column(String(50))
    child_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    district_code: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    subject_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(String(20))
    to: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    to_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    encoding: Mapped[str] = mapped_column(String(10))
    characters: Mapped[int] = mapped_column(Integer)
    segments: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status_queries: Mapped[int] = mapped_column(Integer, default=0)
    # "send", or "resolve": ask the gateway what became of an earlier attempt before resending.
    step: Mapped[str] = mapped_column(String(10), default="send")
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    gateway_message_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class StatusChange(Base):
    """One step of a notification's status history."""

    __tablename__ = "notification_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class OptOut(Base):
    """A phone's answer to STOP / START: the latest one wins."""

    __tablename__ = "opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboundMessage(Base):
    """A family's reply, kept so a case manager can read what was not a keyword."""

    __tablename__ = "inbound_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Hash of sender, time and text: the gateway retrying its callback records nothing new.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    district_code: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


# When a pending SMS is due: its due_at, or at once (its creation) when it has none. The claim
# query orders by this, and a partial index on it keeps each claim cheap however long the
# backlog (sorting every pending row made claims slower as the queue grew).
DUE_AT = func.coalesce(Notification.due_at, Notification.created_at)
Index(
    "ix_notifications_pending_due",
    DUE_AT,
    Notification.created_at,
    postgresql_where=Notification.status == "pending",
    sqlite_where=Notification.status == "pending",
)


class ReplyChild(Base):
    """A family's reply about one child (a phone shared by several children links to each)."""

    __tablename__ = "inbound_message_children"

    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    district_code: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
