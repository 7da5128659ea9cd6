"""Intake's tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


TABLES = messaging_tables(Base.metadata)


class Child(Base):
    """A registered child (walking skeleton: the minimum to prove the chain)."""

    __tablename__ = "children"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str] = mapped_column(String(10))
    date_of_birth: Mapped[date] = mapped_column(Date)
    district_code: Mapped[str] = mapped_column(String(50), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_phone: Mapped[str] = mapped_column(String(20))
    guardian_language: Mapped[str] = mapped_column(String(2))
    sms_consent: Mapped[bool]
    registered_by_sub: Mapped[str] = mapped_column(String(100))
    registered_by_role: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
