"""Referral settings read from configuration, and the country's geography, built once."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from services.referral.domain.deadlines import (
    DEFAULT_REMINDER_HOURS_BEFORE,
    DeadlinePolicy,
    parse_hours,
)
from services.referral.domain.geography import Geography, Place, load_centres
from services.referral.domain.working_hours import parse_working_hours
from shared.config import Settings
from shared.districts import DISTRICTS
from shared.localtime import LOCAL_TZ, local_day
from shared.runtime import Runtime

# Not a contract name: how long before the deadline a provider is reminded.
REMINDER_ENV = "REFERRAL_REMINDER_HOURS_BEFORE"


def read_deadline_policy(settings: Settings) -> DeadlinePolicy:
    """The response window (REFERRAL_RESPONSE_HOURS) and reminder lead, read once at start."""
    response = parse_hours(settings.get("REFERRAL_RESPONSE_HOURS"))
    reminder = parse_hours(settings.get(REMINDER_ENV), default=DEFAULT_REMINDER_HOURS_BEFORE)
    working_hours = parse_working_hours(
        settings.get("REFERRAL_WORKING_HOURS"), settings.get("REFERRAL_WORKING_DAYS"), LOCAL_TZ
    )
    return DeadlinePolicy(
        response_hours=response, reminder_hours_before=reminder, working_hours=working_hours
    )


def deadline_policy(runtime: Runtime) -> DeadlinePolicy:
    """The deadline policy the service's bootstrap read for this runtime."""
    policy = getattr(runtime, "deadlines", None)
    if not isinstance(policy, DeadlinePolicy):
        raise TypeError("this runtime has no deadline policy: build it with its bootstrap")
    return policy


@cache
def geography() -> Geography:
    """Districts with their regions and approximate centres."""
    places = {
        code: Place(code, d.region_code, d.name_en, d.region_en) for code, d in DISTRICTS.items()
    }
    return Geography(places, load_centres())


def region_of(district_code: str | None) -> str | None:
    """The region code of a district, or None when unknown."""
    return geography().region_of(district_code) if district_code else None


def local_today(now: datetime) -> date:
    """The date in Tajikistan (UTC+5, no daylight saving) at `now`; ages count from it."""
    return local_day(now)
