"""Facts about a registered child: vocabularies, age, date of birth and the consent tombstone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.ages import age_in_months, age_in_years  # noqa: F401
from shared.vocabulary import (  # noqa: F401 (the intake vocabulary lives in shared)
    CONCERNS,
    GUARDIAN_LANGUAGES,
    RELATIONSHIPS,
    SCREENING_SOURCES,
    SEXES,
)

# A child's age is counted as every service counts it.
age_on = age_in_years
LANGUAGES = GUARDIAN_LANGUAGES
DEFAULT_LANGUAGE = "tg"
AGE_LIMIT_YEARS = 18

# After consent is withdrawn only these survive: enough to count, nothing to identify.
TOMBSTONE_FIELDS = ("id", "district_code", "birth_year", "registered_at", "consent_withdrawn_at")


class InvalidDateOfBirth(ValueError):
    """A date of birth the service cannot accept; the message says why."""


def check_date_of_birth(date_of_birth: date, today: date) -> date:
    """Return the date if it is not in the future and the child is under 18 today."""
    if date_of_birth > today:
        raise InvalidDateOfBirth("The date of birth cannot be in the future.")
    if age_on(date_of_birth, today) >= AGE_LIMIT_YEARS:
        raise InvalidDateOfBirth(
            f"The child must be under {AGE_LIMIT_YEARS} on the day of registration "
            f"(born after {_years_before(today, AGE_LIMIT_YEARS).isoformat()})."
        )
    return date_of_birth


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def unknown_concerns(concerns: list[str]) -> list[str]:
    """Return the concern names that are not Child Functioning Module domains."""
    return [c for c in concerns if c not in CONCERNS]


def screening_problems(
    concerns: list[str], urgent: bool, urgent_reason: str | None
) -> dict[str, list[str]]:
    """Return field errors of a door-step screening: unknown concerns, urgency without reason."""
    problems: dict[str, list[str]] = {}
    unknown = unknown_concerns(concerns)
    if unknown:
        problems["concerns"] = [
            f"Unknown concern: {name}. Use one of: {', '.join(CONCERNS)}." for name in unknown
        ]
    if urgent and not (urgent_reason or "").strip():
        problems["urgent_reason"] = ["Say why the child needs to be seen urgently."]
    return problems


def referral_allowed(data_sharing_consent: bool | None) -> bool:
    """Tell whether the family's consent lets the child's data go to assessors and providers."""
    return data_sharing_consent is True


@dataclass(frozen=True)
class Tombstone:
    """What a child's record keeps after the family withdraws consent."""

    id: str
    district_code: str
    birth_year: int
    registered_at: datetime
    consent_withdrawn_at: datetime

    def as_dict(self) -> dict[str, object]:
        """Return the tombstone as plain values, in TOMBSTONE_FIELDS order."""
        return {name: getattr(self, name) for name in TOMBSTONE_FIELDS}


LANDLINE_NO_SMS = {
    "code": "landline_no_sms",
    "message": (
        "The guardian's phone is a landline and cannot receive SMS: the family gets no SMS "
        "until a mobile number is entered (the welcome SMS is sent then)."
    ),
}


def contact_warnings(sms_consent: bool, sms_capable: bool | None) -> list[dict[str, str]]:
    """Return what the worker should know about reaching the family (empty when all is well)."""
    return [dict(LANDLINE_NO_SMS)] if sms_consent and sms_capable is False else []
