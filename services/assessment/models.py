"""Assessment's tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.runtime import messaging_tables


class Base(DeclarativeBase):
    pass


TABLES = messaging_tables(Base.metadata)
