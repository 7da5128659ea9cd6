"""A child's age on a day, the one rule intake, assessment and referral count by."""

from __future__ import annotations

from datetime import date


def age_in_years(date_of_birth: date, on: date) -> int:
    """Return completed years; a 29 February birthday falls on 1 March in common years."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def age_in_months(date_of_birth: date, on: date) -> int:
    """Return completed months of age on a date."""
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    return months - int(on.day < date_of_birth.day)
