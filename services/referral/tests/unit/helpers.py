"""Builders shared by the referral unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.referral import settings
from services.referral.domain.geography import Geography
from services.referral.domain.matching import Child, Provider

TODAY = date(2026, 11, 25)


def geography() -> Geography:
    """Return the real districts with their centres, as the service builds them."""
    return settings.geography()


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    """Return a UTC moment in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def child(district: str = "rudaki", age: int = 5, language: str | None = None) -> Child:
    """Return a child of `age` years on TODAY living in `district`."""
    return Child(district, date(TODAY.year - age, 3, 1), language=language)


def provider(pid: str = "p1", **fields: object) -> Provider:
    """Return an active day-care provider in Rudaki serving Rudaki, ages 2-17, unless told."""
    defaults: dict[str, object] = {
        "name": f"Provider {pid}",
        "service_types": ("day_care",),
        "districts_served": ("rudaki",),
        "district_code": "rudaki",
        "min_age": 2,
        "max_age": 17,
        "places": 10,
        "places_taken": 0,
        "accredited": True,
        "active": True,
    }
    defaults.update(fields)
    return Provider(id=pid, **defaults)  # type: ignore[arg-type]
